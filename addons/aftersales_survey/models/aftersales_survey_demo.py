from odoo import models


class AftersalesSurveyDemo(models.AbstractModel):
    _name = "aftersales.survey.demo"
    _description = "After-Sales Survey Demo Data"
