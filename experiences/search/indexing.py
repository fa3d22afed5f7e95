"""Keeping the search index in step with what it indexes.

Every principle, reflection (public once published, else its author's), reply
(public while it and its reflection are), tag (public while a published principle
or reflection carries it) and related reading has one :class:`SearchDocument`
whose words jieba has cut in search mode, kept apart by where they stand (title,
heading, body) because ranking weighs them differently, beside the character
bigrams that find a word jieba cut differently in the text (search/grams.py). The receivers in
``search/receivers.py`` call these functions on every change, in the same
transaction; deleting a source deletes its document
through the cascading key. Rebuilding the whole index is ``search/rebuild.py``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from experiences.core.markdown import html_text
from experiences.core.segmentation import terms_for_index
from experiences.essays.models import Essay, Principle, RelatedReading
from experiences.reflections.models import Reflection
from experiences.reflections.tags import tags_public
from experiences.replies.models import Reply
from experiences.search.expansion import search_words_add
from experiences.search.grams import grams_for_index
from experiences.search.models import SearchDocument


def _padded(terms: str) -> str:
    return f" {terms} " if terms else ""


def _tag_names(names: Iterable[str]) -> str:
    lowered = [name.lower() for name in names]
    return "\n" + "\n".join(lowered) + "\n" if lowered else ""


_HEADING = re.compile(r"<h[1-6][^>]*>(.*?)</h[1-6]>", re.IGNORECASE | re.DOTALL)


def _html_headings(markup: str) -> str:
    """The text of a reflection's Markdown headings, one per line."""
    return "\n".join(html_text(heading) for heading in _HEADING.findall(markup))


def document_terms(*, title: str, heading: str = "", body: str = "") -> dict[str, str]:
    """The indexed terms of one document: words by where they stand, and its bigrams."""
    columns = {
        "title_terms": terms_for_index(title),
        "heading_terms": terms_for_index(heading) if heading else "",
        "body_terms": terms_for_index(body) if body else "",
    }
    words = " ".join(columns.values()).split()
    columns["gram_terms"] = grams_for_index((title, heading, body), words=words)
    return {name: _padded(terms) for name, terms in columns.items()}


def _document_store(document: SearchDocument, source_field: str) -> None:
    """Insert or update the document of one source, keyed by its one-to-one source field."""
    values = {
        f.attname: getattr(document, f.attname)
        for f in SearchDocument._meta.concrete_fields
        if f.attname not in {"id", source_field + "_id"}
    }
    SearchDocument.objects.update_or_create(
        **{source_field: getattr(document, source_field)}, defaults=values
    )
    search_words_add(documents=[document])


def _document(kind: SearchDocument.Kind, **fields: Any) -> SearchDocument:
    """An unsaved document; its ranking priority follows from its kind."""
    return SearchDocument(kind=kind, priority=SearchDocument.PRIORITIES[kind], **fields)


def principle_document(principle: Principle) -> SearchDocument:
    """Expects quotations and tags prefetched (or fetches them) and the essay loaded."""
    tags = [tag.name for tag in principle.tags.all()]
    body = "\n".join(
        [*principle.paragraphs, *(f"{q.source}:{q.text}" for q in principle.quotations.all())]
    )
    return _document(
        SearchDocument.Kind.PRINCIPLE,
        principle=principle,
        title=principle.label,
        body=body,
        url=principle.get_absolute_url(),
        **document_terms(
            title=f"{principle.baseline} {principle.emphasis}",
            heading=principle.heading,
            body=body + "\n" + " ".join(tags),
        ),
        is_public=principle.essay.status == Essay.Status.PUBLISHED,
        about_principle=principle,
        tag_names=_tag_names(tags),
    )


def related_reading_document(reading: RelatedReading) -> SearchDocument:
    return _document(
        SearchDocument.Kind.RELATED_READING,
        related_reading=reading,
        title=reading.title,
        body=reading.excerpt,
        url=reading.essay.get_absolute_url() + "#related-heading",
        **document_terms(title=reading.title, body=reading.excerpt),
        is_public=reading.essay.status == Essay.Status.PUBLISHED,
    )


def reflection_document(
    reflection: Reflection, *, tag_names: list[str] | None = None
) -> SearchDocument:
    """Published reflections are public (unless hidden by 举报); others only their author's.
    ``tag_names``: the reflection's tags when the caller read them already."""
    tags = [tag.name for tag in reflection.tags.all()] if tag_names is None else tag_names
    body = html_text(reflection.body_html)
    return _document(
        SearchDocument.Kind.REFLECTION,
        reflection=reflection,
        title=str(reflection.display_title),
        body=body,
        url=reflection.get_absolute_url(),
        **document_terms(
            title=reflection.title,
            heading=_html_headings(reflection.body_html),
            body=body + "\n" + " ".join(tags),
        ),
        is_public=reflection.status == Reflection.Status.PUBLISHED and not reflection.flag_hidden,
        owner_id=reflection.author_id,
        about_principle_id=reflection.principle_id,
        tag_names=_tag_names(tags),
    )


def _reflection_public(reflection: Reflection) -> bool:
    return reflection.status == Reflection.Status.PUBLISHED and not reflection.flag_hidden


def _reply_title(reflection: Reflection) -> str:
    return (_("回复\uff1a%(title)s") % {"title": reflection.display_title})[:300]


def reply_document(reply: Reply) -> SearchDocument:
    """A reply is found as its reflection is: public while both are (published, not hidden
    by 举报), else only by its author. Its title names the reflection it answers, but the
    reflection's words are not the reply's: only its body is indexed."""
    reflection = reply.reflection
    body = html_text(reply.body_html)
    return _document(
        SearchDocument.Kind.REPLY,
        reply=reply,
        title=_reply_title(reflection),
        body=body,
        url=reply.get_absolute_url(),
        **document_terms(title="", body=body),
        is_public=reply.is_public and _reflection_public(reflection),
        owner_id=reply.author_id,
        about_principle_id=reflection.principle_id,
    )


def tag_document(tag: Tag, *, is_public: bool) -> SearchDocument:
    """``is_public``: a published principle or reflection carries the tag (tags_public)."""
    return _document(
        SearchDocument.Kind.TAG,
        tag=tag,
        title=tag.name,
        url=reverse("experiences:tag_detail", kwargs={"name": tag.name}),
        **document_terms(title=tag.name),
        tag_names=_tag_names([tag.name]),
        is_public=is_public,
    )


def search_index_tags(*, tags: Iterable[Tag]) -> None:
    """(Re)index tags: public while a published principle or reflection carries them; a tag
    nothing carries any more has no document."""
    tags = list(tags)
    if not tags:
        return
    pks = [tag.pk for tag in tags]
    public = set(tags_public().filter(pk__in=pks).values_list("pk", flat=True))
    used = set(
        TaggedItem.objects.filter(tag_id__in=pks).values_list("tag_id", flat=True).distinct()
    )
    for tag in tags:
        if tag.pk in used:
            _document_store(tag_document(tag, is_public=tag.pk in public), "tag")
        else:
            SearchDocument.objects.filter(tag=tag).delete()


def search_index_principle(*, principle: Principle) -> None:
    _document_store(principle_document(principle), "principle")
    search_index_tags(tags=principle.tags.all())


def search_index_related_reading(*, reading: RelatedReading) -> None:
    _document_store(related_reading_document(reading), "related_reading")


def search_index_essay(*, essay: Essay) -> None:
    """Everything of an essay: after an import, an edit, publishing or withdrawing."""
    # type-ignore: django-stubs does not know taggit's manager can be prefetched.
    for principle in essay.principles.select_related("essay").prefetch_related(  # type: ignore[misc]
        "quotations", "tags"
    ):
        search_index_principle(principle=principle)
    for reading in essay.related_readings.select_related("essay"):
        search_index_related_reading(reading=reading)


def search_index_reflection(*, reflection: Reflection, created: bool = False) -> None:
    _document_store(reflection_document(reflection), "reflection")
    search_index_tags(tags=reflection.tags.all())
    if not created:
        search_replies_follow(reflection=reflection)


def search_index_reply(*, reply: Reply) -> None:
    _document_store(reply_document(reply), "reply")


def search_replies_follow(*, reflection: Reflection) -> None:
    """The replies' documents follow their reflection's visibility, title and principle
    (one UPDATE): a reflection withdrawn or hidden takes its replies out of search."""
    public_reply = Exists(
        Reply.objects.published().filter(pk=OuterRef("reply_id"), reflection=reflection)
    )
    SearchDocument.objects.filter(reply__reflection=reflection).update(
        is_public=public_reply if _reflection_public(reflection) else Value(False),
        title=_reply_title(reflection),
        about_principle_id=reflection.principle_id,
    )
