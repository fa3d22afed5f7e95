"""Public tags and browsing by tag: every public tag, one tag's principles and reflections.

A tag is public only while a published principle or a published reflection
carries it: the tag pages, feeds, suggestions and search show no other, so a
pending reflection's tags stay as private as its text. Tag names themselves
(normalising, parsing, merging) are the tagging domain's, below essays.
"""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.views.generic import ListView
from taggit.models import Tag, TaggedItem

from experiences.core.shared_pages import SignedInPageCacheMixin
from experiences.core.web import REFLECTIONS_PER_PAGE, ForgivingPaginationMixin, sort_from
from experiences.essays.models import Principle
from experiences.reflections.models import Reflection


def _public_items_q(prefix: str = "") -> Q:
    """Tagged items (reached through ``prefix``) on a published principle or reflection."""

    principle_type, reflection_type = (
        ContentType.objects.get_for_model(model) for model in (Principle, Reflection)
    )
    published_principles = Principle.objects.published()
    return Q(
        **{
            f"{prefix}content_type": principle_type,
            f"{prefix}object_id__in": published_principles.values("pk"),
        }
    ) | Q(
        **{
            f"{prefix}content_type": reflection_type,
            f"{prefix}object_id__in": Reflection.objects.published().values("pk"),
        }
    )


def tags_public() -> QuerySet[Tag]:
    """Tags that a published principle or a published reflection carries."""
    public_items = TaggedItem.objects.filter(_public_items_q(), tag=OuterRef("pk"))
    public: QuerySet[Tag] = Tag.objects.filter(Exists(public_items))
    return public


def tags_in_use() -> QuerySet[Tag]:
    """Public tags with how often they are used publicly, by name."""

    visible = _public_items_q("taggit_taggeditem_items__")
    in_use: QuerySet[Tag] = (
        Tag.objects.annotate(use_count=Count("taggit_taggeditem_items", filter=visible))
        .filter(use_count__gt=0)
        .order_by("name")
    )
    return in_use


def tag_sizes(tags: Sequence[Tag], *, steps: int = 5) -> None:
    """Give each tag a ``size`` from 1 to ``steps`` by its use count (log scale), in place."""
    import math

    counts = [tag.use_count for tag in tags]
    if not counts:
        return
    low, high = math.log(min(counts)), math.log(max(counts))
    for tag in tags:
        if high == low:
            tag.size = 3
        else:
            tag.size = 1 + round((math.log(tag.use_count) - low) / (high - low) * (steps - 1))


class TagListView(SignedInPageCacheMixin, ListView):
    """/tags/: every tag in use, with its count, sized by use."""

    template_name = "tagging/tag_list.html"
    context_object_name = "tags"

    def get_queryset(self):
        tags = list(tags_in_use())
        tag_sizes(tags)
        return tags


class TagDetailView(SignedInPageCacheMixin, ForgivingPaginationMixin, ListView):
    """/tags/<name>/: the principles and the reflections the viewer may see carrying the tag."""

    template_name = "tagging/tag_detail.html"
    context_object_name = "reflections"
    paginate_by = REFLECTIONS_PER_PAGE
    page_params = ("page", "sort")

    def viewer_shares_page(self, request: HttpRequest) -> bool:
        # As the reflection list: shared unless the viewer sees more than the public ones.
        return not Reflection.objects.beyond_public(request.user).exists()

    def get_queryset(self):
        # A tag only pending or rejected reflections carry is as unknown as no tag at all.
        self.tag = get_object_or_404(tags_public(), name__iexact=self.kwargs["name"])
        return (
            Reflection.objects.visible_to(self.request.user)
            .filter(tags=self.tag)
            .for_listing(viewer=self.request.user)
            .sorted_by(sort_from(self.request))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            tag=self.tag,
            sort=sort_from(self.request),
            principles=Principle.objects.published().filter(tags=self.tag).select_related("essay"),
        )
        return context
