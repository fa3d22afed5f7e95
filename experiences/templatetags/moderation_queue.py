"""``{% pending_reflections_count as n %}``: the queue's length for the admin index.

None for anyone who cannot moderate, so the index shows the count only to moderators."""

from django import template

from experiences.reflections.models import Reflection
from experiences.reflections.moderation import user_can_moderate

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_reflections_count(context: template.Context) -> int | None:
    request = context.get("request")
    if request is None or not user_can_moderate(user=request.user):
        return None
    return Reflection.objects.filter(status=Reflection.Status.PENDING).count()
