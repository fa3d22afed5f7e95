"""The POST data of admin change forms, as the browser would send them."""


def principle_form(principle, **changes):
    quotations = list(principle.quotations.all())
    data = {
        "essay": principle.essay_id,
        "position": principle.position,
        "baseline": principle.baseline,
        "emphasis": principle.emphasis,
        "slug": principle.slug,
        "heading": principle.heading,
        "body": principle.body,
        "tags": "",
        "quotations-TOTAL_FORMS": str(len(quotations)),
        "quotations-INITIAL_FORMS": str(len(quotations)),
        "quotations-MIN_NUM_FORMS": "0",
        "quotations-MAX_NUM_FORMS": "1000",
    }
    for index, quotation in enumerate(quotations):
        data.update(
            {
                f"quotations-{index}-id": quotation.pk,
                f"quotations-{index}-principle": principle.pk,
                f"quotations-{index}-position": quotation.position,
                f"quotations-{index}-text": quotation.text,
                f"quotations-{index}-source": quotation.source,
            }
        )
    data.update(changes)
    return data


def tag_form(tag, **changes):
    """taggit's tag page lists the tagged items inline; none are changed here."""
    prefix = "taggit_taggeditem_items"
    data = {
        "name": tag.name,
        "slug": tag.slug,
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _inline(data, prefix, rows, parent_field, parent, fields):
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-id"] = row.pk
        data[f"{prefix}-{index}-{parent_field}"] = parent.pk
        for name in fields:
            data[f"{prefix}-{index}-{name}"] = getattr(row, name)


def essay_form(essay, **changes):
    """The essay's change page: its fields and its principles and readings inline."""
    data = {
        name: getattr(essay, name)
        for name in ("title", "slug", "author_line", "status", "opening", "closing", "notes")
    }
    principles = list(essay.principles.order_by("position"))
    _inline(
        data, "principles", principles, "essay", essay, ("position", "baseline", "emphasis", "slug")
    )
    readings = list(essay.related_readings.order_by("position"))
    _inline(data, "related_readings", readings, "essay", essay, ("position", "title", "excerpt"))
    _inline(data, "repairs", [], "essay", essay, ())
    data.update(changes)
    return data
