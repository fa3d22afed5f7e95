"""{% study_tasks user %}: 我的学习任务 on the home and profile pages, for the signed-in member.

Only ever rendered for a signed-in user (the including template checks), so the
anonymous page cache never holds anyone's tasks.
"""

from django import template
from django.utils import timezone

from experiences.study.access import may_use_dashboard
from experiences.study.selectors import TaskStatus, member_tasks

register = template.Library()

_CSS = {
    TaskStatus.NOT_STARTED: "todo",
    TaskStatus.SUBMITTED: "submitted",
    TaskStatus.PASSED: "passed",
    TaskStatus.OVERDUE: "overdue",
}


@register.inclusion_tag("study/includes/my_tasks_list.html")
def study_tasks(user):
    if not user.is_authenticated:
        return {"tasks": [], "show_dashboard": False}
    today = timezone.localdate()
    tasks = member_tasks(member=user, today=today)
    for task in tasks:
        task.css = _CSS[task.status]
        task.can_write = task.status == TaskStatus.NOT_STARTED
    return {"tasks": tasks, "show_dashboard": may_use_dashboard(user)}
