"""Enrolment as an organiser does it: upload a roster, preview, confirm, print the slips;
and the colleague's one-time first sign-in link."""

import importlib
import io
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import Workbook

from experiences.units.enrolment import roster_import, roster_preview
from experiences.units.models import Enrolment, RosterBatch
from experiences.units.roster import roster_parse
from experiences.units.signin import signin_link_url
from tests.factories import UserFactory, unit_tree

pytestmark = pytest.mark.django_db

User = get_user_model()

ROSTER = (
    "姓名,单位,手机号,工号,岗位\n"
    "张三,东一村,13800000001,,村支书\n"
    "李四,东一村,,G002,\n"
    "王五,D2,,,文书\n"
    "赵六,东乡镇,,,\n"
)


@pytest.fixture
def organisers_group(db):
    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
    return Group.objects.get(name="组织员")


@pytest.fixture
def tree(db):
    units = unit_tree(
        {
            "城关县": {"东乡镇": {"东一村": {}, "东二村": {}}, "西乡镇": {"西一村": {}}},
        }
    )
    for name, code in (("城关县", "X"), ("东乡镇", "D"), ("东二村", "D2"), ("西乡镇", "W")):
        units[name].code = code
        units[name].save()
    return units


@pytest.fixture
def organiser(tree, organisers_group):
    """The organiser of 东乡镇: their subtree is 东乡镇, 东一村 and 东二村."""
    user = UserFactory(username="zuzhi", org_unit=tree["东乡镇"], is_staff=True)
    user.groups.add(organisers_group)
    return user


def upload(client, content: bytes, name: str = "roster.csv"):
    return client.post(
        reverse("experiences:roster_upload"),
        {"file": SimpleUploadedFile(name, content)},
    )


def confirm(client, response):
    token = response.context["token"]
    return client.post(reverse("experiences:roster_confirm"), {"token": token})


def enrolled() -> list[tuple[str, str]]:
    return sorted(Enrolment.objects.values_list("full_name", "user__org_unit__name"))


def test_organiser_uploads_previews_and_confirms_a_gbk_roster(client, organiser, tree):
    client.force_login(organiser)
    response = upload(client, ROSTER.encode("gbk"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [line.status for line in preview.lines] == ["new"] * 4
    page = response.content.decode()
    assert "新建 4 人\uff0c已有账号 0 人\uff0c有错误 0 行。" in page
    assert "确认导入" in page
    assert Enrolment.objects.count() == 0  # the preview writes nothing

    response = confirm(client, response)
    batch = RosterBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("experiences:roster_batch", args=[batch.pk])
    assert enrolled() == [
        ("张三", "东一村"),
        ("李四", "东一村"),
        ("王五", "东二村"),
        ("赵六", "东乡镇"),
    ]
    zhang = User.objects.get(enrolment__full_name="张三")
    assert zhang.display_name == "张三" and zhang.post == "村支书"
    assert zhang.enrolment.phone == "13800000001" and zhang.enrolment.batch == batch
    assert not zhang.has_usable_password()
    assert re.fullmatch(r"[a-z0-9]+-\d{3}", zhang.username)
    assert User.objects.get(enrolment__full_name="王五").username == "d2-001"
    page = client.get(response["Location"]).content.decode()
    assert "下载账号通知单" in page and zhang.username in page


def test_a_second_upload_creates_nobody(client, organiser, tree):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    assert User.objects.filter(enrolment__isnull=False).count() == 4
    # The same people again, one with a 工号 added and one renamed row matched by phone.
    again = ROSTER.replace("张三,东一村", "张三丰,东一村").replace(
        "赵六,东乡镇,,,", "赵六,东乡镇,,G9,"
    )
    response = upload(client, again.encode("gbk"))
    preview = response.context["preview"]
    assert [line.status for line in preview.lines] == ["matched"] * 4
    assert "确认导入" not in response.content.decode()
    assert "名单上的同事都已有账号" in response.content.decode()
    # Confirming a token made from it anyway creates nobody.
    client.post(reverse("experiences:roster_confirm"), {"token": response.context["token"]})
    assert User.objects.filter(enrolment__isnull=False).count() == 4


def test_colleagues_who_signed_up_themselves_are_matched_by_name_and_unit(client, organiser, tree):
    UserFactory(username="zhangsan", display_name="张三", org_unit=tree["东一村"])
    client.force_login(organiser)
    response = upload(client, "姓名,单位\n张三,东一村\n张三,东二村\n".encode())
    lines = response.context["preview"].lines
    assert [line.status for line in lines] == ["matched", "new"]
    assert "已有账号\uff08zhangsan\uff09" in response.content.decode()
    confirm(client, response)
    # The namesake in another village gets the unit in their display name.
    assert User.objects.get(enrolment__full_name="张三").display_name == "张三\uff08东二村\uff09"


def test_an_xlsx_roster_with_unit_codes_and_numbers(client, organiser, tree):
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ["工号", "姓名", "单位编码", "手机号", "角色"],
        [1001, "钱七", "D2", 13900000002, "组织员"],
        [1002, "孙八", "D", None, None],
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(organiser)
    response = upload(client, buffer.getvalue(), "名单.xlsx")
    assert [line.status for line in response.context["preview"].lines] == ["new", "new"]
    confirm(client, response)
    qian = User.objects.get(enrolment__full_name="钱七")
    assert qian.enrolment.staff_number == "1001" and qian.enrolment.phone == "13900000002"
    assert qian.groups.filter(name="组织员").exists() and qian.is_staff
    assert not User.objects.get(enrolment__full_name="孙八").groups.exists()


def test_rows_outside_the_subtree_and_bad_rows_are_errors_and_nothing_is_created(
    client, organiser, tree
):
    client.force_login(organiser)
    roster = (
        "姓名,单位,手机号,角色\n"
        "周九,西一村,,\n"  # 西乡镇's village: not this organiser's
        "吴十,W,,\n"
        "郑一,南山村,,\n"
        ",东一村,,\n"
        "冯二,东一村,12345,\n"
        "陈三,东一村,,版主\n"
        "褚四,东一村,13800000009,\n"
        "卫五,东二村,13800000009,\n"
        "蒋六,东一村,,\n"
    )
    response = upload(client, roster.encode())
    lines = response.context["preview"].lines
    assert [line.status for line in lines] == ["error"] * 6 + ["new", "error", "new"]
    page = response.content.decode()
    assert "单位“西一村”不在你的管理范围内。" in page
    assert "单位“W”不在你的管理范围内。" in page
    assert "找不到单位“南山村”。" in page
    assert "缺少姓名。" in page
    assert "手机号“12345”格式不对" in page
    assert "角色“版主”无法识别" in page
    assert "与第 8 行是同一个人" in page
    assert "确认导入" not in page
    # A token made before the errors is refused as a whole: nobody is created.
    response = client.post(
        reverse("experiences:roster_confirm"), {"token": response.context["token"]}
    )
    assert "没有导入任何人" in response.content.decode()
    assert Enrolment.objects.count() == 0 and RosterBatch.objects.count() == 0


def test_unreadable_files_and_missing_headers_are_told(client, organiser):
    client.force_login(organiser)
    response = upload(client, "名字,地方\n张三,东一村\n".encode())
    assert "至少包括“姓名”和“单位”" in response.content.decode()
    response = upload(client, b"PK\x03\x04broken", "roster.xlsx")
    assert "无法读取这个 Excel 文件" in response.content.decode()
    response = upload(client, b"x", "roster.txt")
    assert "请上传 .csv 或 .xlsx 文件。" in response.content.decode()


def test_a_tampered_or_foreign_token_is_refused(client, organiser, tree, organisers_group):
    client.force_login(organiser)
    token = upload(client, ROSTER.encode()).context["token"]
    response = client.post(reverse("experiences:roster_confirm"), {"token": token + "x"})
    assert response.status_code == 302 and Enrolment.objects.count() == 0
    other = UserFactory(org_unit=tree["东乡镇"])
    other.groups.add(organisers_group)
    client.force_login(other)
    client.post(reverse("experiences:roster_confirm"), {"token": token})
    assert Enrolment.objects.count() == 0


def test_people_without_a_scope_get_404(client, tree):
    staff = UserFactory(is_staff=True, org_unit=tree["东乡镇"])
    client.force_login(staff)
    assert client.get(reverse("experiences:roster_upload")).status_code == 404
    assert upload(client, ROSTER.encode()).status_code == 404
    assert client.get(reverse("experiences:enrolment_list")).status_code == 404
    client.logout()
    assert client.get(reverse("experiences:roster_upload")).status_code == 302


def test_a_batch_is_not_shown_to_an_organiser_of_another_subtree(
    client, organiser, tree, organisers_group
):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    batch = RosterBatch.objects.get()
    west = UserFactory(org_unit=tree["西乡镇"])
    west.groups.add(organisers_group)
    client.force_login(west)
    assert client.get(reverse("experiences:roster_batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("experiences:roster_slips", args=[batch.pk])).status_code == 404
    user_id = Enrolment.objects.first().user_id
    assert client.get(reverse("experiences:enrolment_slip", args=[user_id])).status_code == 404
    reissue = reverse("experiences:enrolment_reissue", args=[user_id])
    assert client.post(reissue).status_code == 404


def test_the_slips_have_one_slip_per_person_with_link_and_qr_code(client, organiser, tree):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    batch = RosterBatch.objects.get()
    response = client.get(reverse("experiences:roster_slips", args=[batch.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    enrolments = list(Enrolment.objects.select_related("user"))
    assert len(document.tables) == len(enrolments) == 4
    assert len(document.inline_shapes) == 4  # one QR code each
    texts = [
        "\n".join(p.text for p in table.rows[0].cells[0].paragraphs) for table in document.tables
    ]
    for enrolment in enrolments:
        slip = next(text for text in texts if enrolment.full_name in text)
        assert enrolment.user.username in slip
        assert signin_link_url(enrolment=enrolment) in slip
        assert "有效期至" in slip
    assert signin_link_url(enrolment=enrolments[0]).startswith("http")


def first_link_path(enrolment) -> str:
    url = signin_link_url(enrolment=enrolment)
    return url[url.index("/welcome/") :]


def test_the_first_sign_in_sets_a_password_asks_consent_and_works_once(client, organiser, tree):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    client.logout()
    enrolment = Enrolment.objects.select_related("user").get(full_name="张三")
    path = first_link_path(enrolment)
    page = client.get(path)
    assert page.status_code == 200
    assert enrolment.user.username in page.content.decode()
    # Without consent: refused, nothing changes, the typed password is not lost to a 500.
    response = client.post(
        path, {"new_password1": "Qiang-mima-2024", "new_password2": "Qiang-mima-2024"}
    )
    assert response.status_code == 200
    assert "请先阅读并同意\u300a隐私政策\u300b" in response.content.decode()
    enrolment.user.refresh_from_db()
    assert not enrolment.user.has_usable_password()

    response = client.post(
        path,
        {
            "new_password1": "Qiang-mima-2024",
            "new_password2": "Qiang-mima-2024",
            "privacy_consent": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=enrolment.user_id)
    assert user.check_password("Qiang-mima-2024") and user.privacy_consented_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Enrolment.objects.get(pk=enrolment.pk).signed_in_at is not None
    # Used once: the same link no longer opens.
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "这个登录链接已失效" in response.content.decode()
    response = client.post(
        reverse("login"), {"username": user.username, "password": "Qiang-mima-2024"}
    )
    assert response.status_code == 302 and int(client.session["_auth_user_id"]) == user.pk


def test_an_unused_link_expires(client, organiser, tree, settings):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    enrolment = Enrolment.objects.select_related("user").get(full_name="李四")
    path = first_link_path(enrolment)
    settings.KB_ENROLMENT_LINK_DAYS = 3
    Enrolment.objects.filter(pk=enrolment.pk).update(
        link_issued_at=timezone.now() - timedelta(days=3, minutes=1)
    )
    enrolment.refresh_from_db()
    assert client.get(first_link_path(enrolment)).status_code == 410
    assert path != first_link_path(enrolment)  # the stored time is part of the token


def test_reissuing_a_link_invalidates_the_old_one(client, organiser, tree):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    enrolment = Enrolment.objects.select_related("user").get(full_name="王五")
    old = first_link_path(enrolment)
    listing = client.get(reverse("experiences:enrolment_list")).content.decode()
    assert "王五" in listing and "重新生成链接" in listing
    response = client.post(reverse("experiences:enrolment_reissue", args=[enrolment.user_id]))
    assert response.status_code == 302
    enrolment.refresh_from_db()
    new = first_link_path(enrolment)
    assert new != old
    slip = client.get(reverse("experiences:enrolment_slip", args=[enrolment.user_id]))
    assert new in "\n".join(
        c.text for t in Document(io.BytesIO(slip.content)).tables for c in t.rows[0].cells
    )
    client.logout()
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
    assert client.get(new.replace(new.split("/")[-2], "0" * 40)).status_code == 410


def test_a_signed_in_colleague_leaves_the_pending_list(client, organiser, tree):
    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    enrolment = Enrolment.objects.get(full_name="赵六")
    Enrolment.objects.filter(pk=enrolment.pk).update(signed_in_at=timezone.now())
    listing = client.get(reverse("experiences:enrolment_list")).content.decode()
    assert "赵六" not in listing and "张三" in listing
    reissue = reverse("experiences:enrolment_reissue", args=[enrolment.user_id])
    assert client.post(reissue).status_code == 404


def test_import_roster_command(tmp_path, tree):
    path = tmp_path / "roster.csv"
    path.write_bytes(("姓名,单位,工号\n甲,东一村,A1\n乙,,A2\n").encode("gbk"))
    out = io.StringIO()
    call_command("import_roster", str(path), "--unit", "D", "--dry-run", stdout=out)
    assert "预览\uff08未保存\uff09\uff1a新建 2 个账号" in out.getvalue()
    assert Enrolment.objects.count() == 0
    out = io.StringIO()
    call_command("import_roster", str(path), "--unit", "D", stdout=out)
    assert "已导入\uff1a新建 2 个账号" in out.getvalue()
    assert enrolled() == [("乙", "东乡镇"), ("甲", "东一村")]  # no 单位: the --unit itself
    out = io.StringIO()
    call_command("import_roster", str(path), "--unit", "D", stdout=out)
    assert "新建 0 个账号\uff0c2 人已有账号" in out.getvalue()
    assert Enrolment.objects.count() == 2
    # A row outside the --unit subtree is an error; nothing is created.
    path.write_text("姓名,单位\n丙,西一村\n丁,东二村\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有导入任何人"):
        call_command(
            "import_roster", str(path), "--unit", "D", stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert Enrolment.objects.count() == 2
    with pytest.raises(CommandError, match="找不到编码为 NOPE 的单位"):
        call_command("import_roster", str(path), "--unit", "NOPE")


def test_roster_import_service_is_all_or_nothing(tree):
    rows = roster_parse(filename="r.csv", data="姓名,单位\n甲,东一村\n乙,火星\n".encode())
    preview, batch = roster_import(rows=rows, scope=[tree["东乡镇"].path], enrolled_by=None)
    assert batch is None and preview.error_count == 1
    assert User.objects.count() == 0


def test_the_preview_and_the_pending_list_do_not_query_per_row(
    client, organiser, tree, django_assert_max_num_queries
):
    lines = ["姓名,单位,手机号"] + [f"同事{n},东一村,1380000{n:04d}" for n in range(60)]
    rows = roster_parse(filename="r.csv", data="\n".join(lines).encode())
    with django_assert_max_num_queries(3):
        preview = roster_preview(rows=rows, scope=[tree["东乡镇"].path])
    assert preview.new_count == 60
    roster_import(rows=rows, scope=[tree["东乡镇"].path], enrolled_by=organiser)
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("experiences:enrolment_list")).content.decode()
    assert page.count("重新生成链接</button>") == 60


def test_what_the_roster_said_is_in_the_colleagues_own_data_export(client, organiser, tree):
    import json
    import zipfile

    client.force_login(organiser)
    confirm(client, upload(client, ROSTER.encode()))
    zhangsan = Enrolment.objects.select_related("user").get(full_name="张三").user
    client.force_login(zhangsan)
    response = client.post(reverse("data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    record = json.loads(archive.read("enrolment/enrolment.json"))
    assert (record["full_name"], record["phone"], record["staff_number"]) == (
        "张三",
        "13800000001",
        "",
    )
    # The organiser's own export holds no roster row of anyone else.
    client.force_login(organiser)
    response = client.post(reverse("data_export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert not [name for name in archive.namelist() if name.startswith("enrolment/")]
