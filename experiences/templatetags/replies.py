"""``{% reply_thread reflection %}``: a reflection's replies, paginated, with the reply form.

A template tag rather than the reflection view's context because replies build on
reflections: the reflections domain knows nothing of them.
"""

import uuid

from django import template

from experiences.replies.forms import ReplyForm
from experiences.replies.selectors import reply_page

register = template.Library()


@register.inclusion_tag("replies/thread.html", takes_context=True)
def reply_thread(context, reflection):
    request = context["request"]
    user = request.user
    open_for_replies = reflection.status == "published" and not reflection.flag_hidden
    form = None
    if user.is_authenticated and open_for_replies:
        form = ReplyForm(initial={"submission_token": uuid.uuid4()})
    return {
        "request": request,
        "user": user,
        "reflection": reflection,
        "page_obj": reply_page(reflection=reflection, viewer=user, number=request.GET.get("page")),
        "form": form,
        "open_for_replies": open_for_replies,
        "csrf_token": context.get("csrf_token"),
    }
