"""How the after-sales reports write lists, dates and times in a given language.

Plain functions of a language code (or of Odoo's language data), so that every
template and every report model joins lists and formats times the same way.
"""

from odoo.tools.misc import posix_to_ldml

#: Languages written with ideographic punctuation: an enumeration comma between the
#: items of a list, an ideographic full stop at the end of a sentence.
IDEOGRAPHIC_PUNCTUATION = ("zh", "ja")


def list_punctuation(lang):
    """``(separator, full stop)`` of a list in ``lang`` (a code such as
    ``zh_CN``): ``("、", "。")`` in Chinese and Japanese, ``(", ", ".")``
    otherwise."""
    if (lang or "").split("_")[0] in IDEOGRAPHIC_PUNCTUATION:
        return "、", "。"
    return ", ", "."


def join_list(items, lang, end=False):
    """The non-empty ``items`` joined with the list separator of ``lang``;
    ``end=True`` closes the sentence with the language's full stop.

    >>> join_list(["Force majeure", "Customer misuse"], "en_US", end=True)
    'Force majeure, Customer misuse.'
    >>> join_list(["不可抗力", "客户使用不当"], "zh_CN", end=True)
    '不可抗力、客户使用不当。'
    """
    separator, full_stop = list_punctuation(lang)
    text = separator.join(str(item) for item in items if item)
    return text + full_stop if end and text else text


def datetime_pattern(lang_data, locale):
    """The LDML pattern of a date and time in a report: the language's date
    format and the time to the minute, never the seconds.

    The time is ``HH:mm`` on a 24-hour clock, or the language's own short time
    format where it uses a 12-hour clock. Chinese writes the date as 2026年11月20日
    and the time as 14:05 (its "14时05分" is too wide for a table cell).

    :param lang_data: ``res.lang`` record or its cached data (``date_format``,
        ``short_time_format``: strftime formats)
    :param locale: babel locale of the language
    """
    date_part = posix_to_ldml(lang_data.date_format or "%m/%d/%Y", locale=locale)
    short_time = lang_data.short_time_format or ""
    if "%p" in short_time:
        time_part = posix_to_ldml(short_time, locale=locale)
    else:
        time_part = "HH:mm"
    return f"{date_part} {time_part}"
