from . import test_event_types
