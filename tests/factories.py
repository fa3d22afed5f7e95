"""factory_boy factories for the content model.

A factory writes rows as a service would, effects included: the content models' ones
outdate cached pages (``pages_changed``), a draft's, a 收藏's, a 已学 mark's and a
学习专题's what shared pages know of viewers (``viewer_state_changed``). The services
call these in the open (tests/site/test_side_effects.py checks each of them); here
they keep a test that adds rows after a page was cached from reading a stale copy.
"""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from experiences.core.caching import pages_changed
from experiences.core.markdown import markdown_render
from experiences.core.viewer_state import viewer_state_changed
from experiences.essays.models import Essay, Principle, Quotation, RelatedReading
from experiences.reflections.models import Like, Reflection


class ShownOnPages(factory.django.DjangoModelFactory):
    """Rows pages show: cached pages are outdated once the row and its relations are in."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            pages_changed()


class ViewerState(factory.django.DjangoModelFactory):
    """Rows shared pages know of a viewer by: a draft's author, a mark's reader; a
    学习专题 every viewer."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            viewer = getattr(instance, "author_id", None) or getattr(instance, "user_id", None)
            viewer_state_changed(user_ids=None if viewer is None else [viewer])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password("correct-horse-battery")


class EssayFactory(ShownOnPages):
    class Meta:
        model = Essay

    title = factory.Sequence(lambda n: f"心得体会{n}")
    slug = factory.Sequence(lambda n: f"心得体会{n}")
    author_line = "一名乡镇干部"
    opening = "乡镇是行政层级的末端。\n我在基层工作多年。"
    closing = "风雨多经人不老。"
    status = Essay.Status.PUBLISHED


class PrincipleFactory(ShownOnPages):
    class Meta:
        model = Principle

    essay = factory.SubFactory(EssayFactory)
    position = factory.Sequence(lambda n: n + 1)
    baseline = factory.Sequence(lambda n: f"既要{n}")
    emphasis = factory.Sequence(lambda n: f"更要{n}")
    slug = factory.LazyAttribute(lambda p: f"{p.baseline}-{p.emphasis}")
    heading = factory.LazyAttribute(lambda p: f"干工作既要“{p.baseline}”,更要“{p.emphasis}”。")
    body = "第一段。\n第二段。"


class QuotationFactory(ShownOnPages):
    class Meta:
        model = Quotation

    principle = factory.SubFactory(PrincipleFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "一个健全的心态,比一百种智慧更有力量。"
    source = "狄更斯"


class RelatedReadingFactory(ShownOnPages):
    class Meta:
        model = RelatedReading

    essay = factory.SubFactory(EssayFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"延伸阅读{n}")
    excerpt = "摘要……"


class ReflectionFactory(ShownOnPages):
    class Meta:
        model = Reflection
        skip_postgeneration_save = True

    author = factory.SubFactory(UserFactory)
    principle = factory.SubFactory(PrincipleFactory)
    title = factory.Sequence(lambda n: f"心得{n}")
    body = "和群众打成一片,**坚持原则**。"
    body_html = factory.LazyAttribute(lambda r: markdown_render(r.body))
    status = Reflection.Status.PUBLISHED

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class EstablishedUserFactory(UserFactory):
    """A colleague whose 举报 counts toward hiding (issue 25): the account is two months
    old and has a published reflection. Fresh ``UserFactory`` accounts weigh nothing."""

    class Meta:
        skip_postgeneration_save = True

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))

    @factory.post_generation
    def published(self, create, extracted, **kwargs):
        if create:
            ReflectionFactory(author=self)


class LikeFactory(factory.django.DjangoModelFactory):
    """Goes through like_set, as the site does, so like_count stays right."""

    class Meta:
        model = Like

    user = factory.SubFactory(UserFactory)
    reflection = factory.SubFactory(ReflectionFactory)

    @classmethod
    def _create(cls, model_class, *, user, reflection, **kwargs):
        from experiences.reflections.services import like_set

        like_set(user=user, reflection=reflection, liked=True)
        reflection.refresh_from_db(fields=["like_count"])
        return model_class.objects.get(user=user, reflection=reflection)


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification as the services store it (text and link kept with it)."""

    class Meta:
        model = "experiences.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "reflection_approved"
    text = factory.Sequence(lambda n: f"你的心得《心得{n}》已通过审核并发布。")
    url = "/reflections/"


class ReplyFactory(ShownOnPages):
    """A published reply; reply_count is recounted, as the services keep it."""

    class Meta:
        model = "experiences.Reply"

    reflection = factory.SubFactory(ReflectionFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"回复{n}\uff1a说得**对**。")
    body_html = factory.LazyAttribute(lambda r: markdown_render(r.body))
    status = "published"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from experiences.replies.moderation import reply_count_refresh

        reply = super()._create(model_class, *args, **kwargs)
        reply_count_refresh(reflection_id=reply.reflection_id)
        return reply


class FlagFactory(factory.django.DjangoModelFactory):
    """Goes through flag_create, as the site does, so hiding at the threshold happens."""

    class Meta:
        model = "experiences.Flag"

    reporter = factory.SubFactory(UserFactory)
    reason = "spam"
    detail = ""

    @classmethod
    def _create(cls, model_class, *, reporter, reason, detail, item, **kwargs):
        from experiences.flags.services import flag_create

        flag, _ = flag_create(reporter=reporter, item=item, reason=reason, detail=detail)
        return flag


# Drafts, 收藏 and 已学 (issue 16, items 4-6).


class DraftFactory(ViewerState):
    class Meta:
        model = "experiences.Draft"

    author = factory.SubFactory(UserFactory)
    principle = factory.SubFactory(PrincipleFactory)
    title = factory.Sequence(lambda n: f"草稿{n}")
    body = "还没写完的心得。"


class BookmarkFactory(ViewerState):
    """A bookmark of a principle unless given a reflection (with principle=None)."""

    class Meta:
        model = "experiences.Bookmark"

    user = factory.SubFactory(UserFactory)
    principle = factory.SubFactory(PrincipleFactory)
    reflection = None


class PrincipleReadFactory(ViewerState):
    class Meta:
        model = "experiences.PrincipleRead"

    user = factory.SubFactory(UserFactory)
    principle = factory.SubFactory(PrincipleFactory)


# ---- 学习专题 (study topics) ----


def unit_tree(spec: dict, parent=None) -> dict:
    """Units from a nested dict {name: {child: {...}}}; returns {name: Unit}."""
    from experiences.units.services import unit_create

    made = {}
    for name, children in spec.items():
        unit = unit_create(name=name, parent=parent)
        made[name] = unit
        made.update(unit_tree(children or {}, parent=unit))
    return made


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _week_after(topic):
    from datetime import timedelta

    return topic.start_date + timedelta(days=7)


class StudyTopicFactory(ViewerState):
    class Meta:
        model = "experiences.StudyTopic"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"学习专题{n}")
    description = "认真学习\uff0c联系实际写心得。"
    start_date = factory.LazyFunction(_today)
    due_date = factory.LazyAttribute(_week_after)

    @factory.post_generation
    def target_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_units.set(extracted)

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)

    @factory.post_generation
    def principles(self, create, extracted, **kwargs):
        if create and extracted:
            self.principles.set(extracted)
