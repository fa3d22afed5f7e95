"""``{% admin_count n opts %}``: a count of admin rows read as Chinese, with its measure word.

Django wrote "1 待审核心得"; Chinese needs a measure word between the number and
the noun (1 条待审核心得, 5 个单位, 3 篇文章), and has no plural (the singular name).
"""

from typing import Any

from django import template

register = template.Library()

# By model name; anything not listed is counted with 个.
MEASURE_WORDS = {
    "reflection": "条",
    "pendingreflection": "条",
    "flaggedreflection": "条",
    "reply": "条",
    "pendingreply": "条",
    "flaggedreply": "条",
    "flag": "条",
    "moderationlog": "条",
    "notification": "条",
    "quotation": "条",
    "principle": "条",
    "accessattempt": "条",
    "accesslog": "条",
    "accessfailurelog": "条",
    "failedtask": "条",
    "studyreminderrequest": "条",
    "principleread": "条",
    "bookmark": "条",
    "draft": "篇",
    "essay": "篇",
    "user": "位",
}


def measure_word(model_name: str) -> str:
    return MEASURE_WORDS.get(model_name, "个")


@register.simple_tag
def admin_count(count: int, opts: Any) -> str:
    return f"{count} {measure_word(opts.model_name)}{opts.verbose_name}"
