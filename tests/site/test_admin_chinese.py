"""The admin in Chinese, arranged by task (issue 27, items 7, 8, 9 and 11)."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import FlagFactory, ReflectionFactory, ReplyFactory, UserFactory, unit_tree

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def visible_text(html: str) -> str:
    return re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="guanli", is_staff=True, is_superuser=True))
    return client


def test_django_own_strings_read_chinese(superuser_client):
    add_user = superuser_client.get(reverse("admin:experiences_user_add")).content.decode()
    assert "After you’ve created a user" not in add_user
    assert "创建用户后\uff0c可以再填写其他资料、授予角色。" in add_user
    # Permission names are stored in English by Django's migrations: labelled in Chinese.
    group = superuser_client.get(reverse("admin:auth_group_add")).content.decode()
    assert "Can add" not in group and "Can view" not in group
    assert "管理 | 日志记录 | 可以新增日志记录" in group
    assert "心得知识库 | 心得 | 可以审核心得" in group
    assert "心得知识库 | 文章的修改历史 | 可以查看文章的修改历史" in group
    # The index's hidden table headings (screen readers read them).
    index = superuser_client.get(reverse("admin:index")).content.decode()
    assert "Model name" not in index and "Change or view list link" not in index


def test_the_filter_horizontal_widget_reads_chinese(superuser_client):
    catalog = superuser_client.get("/admin/jsi18n/").content.decode()
    for english, chinese in [
        ('"Choose all %s"', "全部选择%s"),
        ('"Remove all %s"', "全部移除%s"),
        ('"Choose %s by selecting them and then select the \\"Choose\\" arrow button."', "再点"),
    ]:
        line = next(line for line in catalog.splitlines() if line.strip().startswith(english))
        assert chinese.encode("unicode_escape").decode() in line or chinese in line


def po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file (singular entries, as ours are), header left out."""
    entries: dict[str, str] = {}
    key = field = None
    parts: dict[str, list[str]] = {}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            field, _, literal = line.partition(" ")
            parts[field] = [ast.literal_eval(literal)]
        elif line.startswith('"') and field:
            parts[field].append(ast.literal_eval(line))
        elif not line.strip() and "msgstr" in parts:
            key = "".join(parts["msgid"])
            if key:
                entries[key] = "".join(parts["msgstr"])
            parts, field = {}, None
    return entries


def test_the_compiled_catalogs_are_current():
    """The .mo files are committed (no build step compiles them): every translation of the
    .po reads the same from its .mo, with no tool beyond Python's gettext."""
    for domain in ("django", "djangojs"):
        entries = po_entries(LOCALE / f"{domain}.po")
        assert entries, domain
        with (LOCALE / f"{domain}.mo").open("rb") as mo:
            catalog = gettext.GNUTranslations(mo)
        stale = {
            msgid: msgstr for msgid, msgstr in entries.items() if catalog.gettext(msgid) != msgstr
        }
        assert stale == {}, f"{domain}.mo is older than {domain}.po: run msgfmt"


def test_units_list_has_no_depth_column_and_counts_in_chinese(superuser_client):
    unit_tree({"城关县": {"东乡镇": {}, "西乡镇": {}}, "河口县": {}, "山前县": {}})
    page = superuser_client.get(reverse("admin:experiences_unit_changelist")).content.decode()
    text = visible_text(page)
    assert "DEPTH" not in text.upper().replace("DEPTH-", "")
    assert "层级" in text
    assert "5 个单位" in text


def test_queue_counts_filters_and_empty_cells_read_chinese(superuser_client, principle):
    ReflectionFactory(principle=principle, status="pending", title="")
    page = superuser_client.get(
        reverse("admin:experiences_pendingreflection_changelist")
    ).content.decode()
    assert "1 条待审核心得" in visible_text(page)
    listing = superuser_client.get(reverse("admin:experiences_reflection_changelist"))
    text = visible_text(listing.content.decode())
    assert "以 " not in text and " By " not in text
    assert re.search(r"按\s*状态", text)
    # Empty cells said "-".
    replies = superuser_client.get(reverse("admin:experiences_user_changelist")).content.decode()
    assert "未填" in replies
    assert not re.search(r'<td class="field-[a-z_]+">-</td>', replies)


def test_the_index_is_grouped_by_task_for_a_superuser(superuser_client):
    page = superuser_client.get(reverse("admin:index")).content.decode()
    headings = re.findall(r'<caption><span class="section">([^<]+)</span></caption>', page)
    assert headings == ["审核", "学习专题", "内容", "同事与单位", "系统"]
    review = page.split(">审核<")[1].split("</table>")[0]
    assert "待审核队列" in review and "待审核回复" in review and "被举报的心得" in review


def test_a_moderator_sees_review_first_with_counts_and_nothing_of_people(
    moderator_client, principle
):
    ReflectionFactory.create_batch(2, principle=principle, status="pending")
    reflection = ReflectionFactory(principle=principle)
    ReplyFactory(reflection=reflection, status="pending")
    ReplyFactory.create_batch(2, reflection=reflection, status="pending")
    FlagFactory(item=reflection)
    FlagFactory(item=reflection)
    page = moderator_client.get(reverse("admin:index")).content.decode()
    headings = re.findall(r'<caption><span class="section">([^<]+)</span></caption>', page)
    assert headings[0] == "审核" and "同事与单位" not in headings and "学习专题" not in headings
    # The badge counts replies and open 举报 too; each queue shows its own count.
    assert "2 条心得待审核" in page and "3 条回复待审核" in page and "1 项举报待处理" in page
    review = page.split(">审核<")[1].split("</table>")[0]
    assert re.search(r"待审核队列</a>\s*<span class=\"pending-badge\">2 条待处理", review)
    assert re.search(r"待审核回复</a>\s*<span class=\"pending-badge\">3 条待处理", review)


def test_an_organiser_sees_study_and_units_only(client, roles):
    import importlib

    from django.apps import apps

    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
        importlib.import_module(
            "experiences.migrations.0029_organisers_edit_units"
        ).organisers_edit_units(apps, None)
    units = unit_tree({"城关县": {}})
    person = UserFactory(username="zuzhi", is_staff=True, org_unit=units["城关县"])
    person.groups.add(Group.objects.get(name="组织员"))
    client.force_login(person)
    page = client.get(reverse("admin:index")).content.decode()
    headings = re.findall(r'<caption><span class="section">([^<]+)</span></caption>', page)
    assert headings == ["学习专题", "同事与单位"]
    assert "待审核" not in page
