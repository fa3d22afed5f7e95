"""Atom feeds of reflections: all, per principle, per tag.

Each lists what its reader may see (``Reflection.objects.visible_to``): a feed
reader, which sends no session, gets the published ones; a signed-in colleague
opening it gets also their own, as on every page.

Every string a feed emits passes through ``text.xml_clean``: one control
character in any stored name or title (an old row, an admin edit) would
otherwise make Django's feed generator refuse the whole feed.

Every link is absolute from ``settings.SITE_URL`` (core/site.py): Django would
otherwise prefix the request's Host header, which the client chooses.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from experiences.core.site import absolute_url
from experiences.core.text import xml_clean
from experiences.essays.models import Principle
from experiences.reflections.models import Reflection
from experiences.reflections.tags import tags_public

FEED_SIZE = 30


def _xml_safe(value):
    if isinstance(value, (str, Promise)):
        return xml_clean(str(value))
    if isinstance(value, (list, tuple)):  # categories
        return [_xml_safe(item) for item in value]
    return value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom, with every string of the feed and its entries made XML-safe on the way in.

    Cleaning here rather than in each ``item_*`` method also covers strings
    added later (categories, author links, subtitles).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(_xml_safe(arg) for arg in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(_xml_safe(arg) for arg in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )


@dataclass(frozen=True)
class FeedSubject:
    """Whose feed of what: the request's user, and the principle or tag (None: all)."""

    viewer: Any
    item: Any = None


class ReflectionsFeed(Feed):
    feed_type = XmlSafeAtom1Feed
    title = _("基层心得知识库 · 最新心得")
    subtitle = _("同事们新发布的心得")

    def get_object(self, request, *args, **kwargs):
        return FeedSubject(viewer=request.user)

    def link(self):
        return absolute_url(reverse("experiences:reflection_list"))

    def feed_url(self):
        return absolute_url(reverse("experiences:feed_reflections"))

    def reflections(self, subject):
        return (
            Reflection.objects.visible_to(subject.viewer)
            .select_related("author", "principle__essay")
            .order_by("-published_at", "-pk")
        )

    def items(self, subject):
        return self.reflections(subject)[:FEED_SIZE]

    def item_title(self, reflection):
        return str(reflection.display_title)

    def item_description(self, reflection):
        return reflection.body_html  # sanitized when it was saved

    def item_link(self, reflection):
        return absolute_url(reflection.get_absolute_url())

    def item_author_name(self, reflection):
        return str(reflection.author)

    def item_pubdate(self, reflection):
        return reflection.published_at or reflection.created_at

    def item_updateddate(self, reflection):
        return reflection.edited_at or reflection.published_at or reflection.created_at


class PrincipleReflectionsFeed(ReflectionsFeed):
    def get_object(self, request, pk):
        principles = Principle.objects.published().select_related("essay")
        return FeedSubject(viewer=request.user, item=get_object_or_404(principles, pk=pk))

    def title(self, subject):
        return _("基层心得知识库 · %(principle)s 的心得") % {"principle": subject.item}

    def link(self, subject):
        return absolute_url(subject.item.get_absolute_url())

    def feed_url(self, subject):
        kwargs = {"pk": subject.item.pk}
        return absolute_url(reverse("experiences:feed_principle", kwargs=kwargs))

    def items(self, subject):
        return self.reflections(subject).filter(principle=subject.item)[:FEED_SIZE]


class TagReflectionsFeed(ReflectionsFeed):
    def get_object(self, request, name):
        tag = get_object_or_404(tags_public(), name__iexact=name)
        return FeedSubject(viewer=request.user, item=tag)

    def title(self, subject):
        return _("基层心得知识库 · 标签“%(name)s”的心得") % {"name": subject.item.name}

    def link(self, subject):
        return absolute_url(reverse("experiences:tag_detail", kwargs={"name": subject.item.name}))

    def feed_url(self, subject):
        return absolute_url(reverse("experiences:feed_tag", kwargs={"name": subject.item.name}))

    def items(self, subject):
        return self.reflections(subject).filter(tags=subject.item)[:FEED_SIZE]


class FeedSubscribeView(TemplateView):
    """订阅: a small page that says what a feed is and gives its address to copy.

    Opened directly, a feed is raw XML, which tells a colleague nothing; the 订阅
    links on principle and tag pages lead here instead, and the feed's own address
    is offered to paste into a reader (or a WeChat/RSS app)."""

    template_name = "reflections/feed_subscribe.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "pk" in kwargs:
            principle = get_object_or_404(Principle.objects.published(), pk=kwargs["pk"])
            subject = _("原则“%(principle)s”的新心得") % {"principle": principle}
            feed = reverse("experiences:feed_principle", kwargs={"pk": principle.pk})
            back = principle.get_absolute_url()
        elif "name" in kwargs:
            tag = get_object_or_404(tags_public(), name__iexact=kwargs["name"])
            subject = _("标签“%(name)s”的新心得") % {"name": tag.name}
            feed = reverse("experiences:feed_tag", kwargs={"name": tag.name})
            back = reverse("experiences:tag_detail", kwargs={"name": tag.name})
        else:
            subject = _("全站的新心得")
            feed = reverse("experiences:feed_reflections")
            back = reverse("experiences:reflection_list")
        context.update(subject=subject, feed_path=feed, feed_url=absolute_url(feed), back=back)
        return context
