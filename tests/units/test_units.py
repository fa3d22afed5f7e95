"""The unit tree: importing a sheet (CSV, GBK, Excel; command and admin), linking users."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from experiences.units.models import Unit
from experiences.units.services import (
    UnitImportError,
    units_import,
    units_rows_read,
)
from tests.factories import UserFactory, unit_tree

pytestmark = pytest.mark.django_db

SHEET = "名称,上级单位,编码\n东一村,东乡镇,D1\n城关县,,X\n东乡镇,X,D\n西乡镇,城关县,W\n\n"


def tree_of() -> list[tuple[str, int, str]]:
    return [(u.name, u.depth, u.code) for u in Unit.objects.order_by("path")]


def test_csv_import_in_any_order_builds_the_tree():
    report = units_import(rows=units_rows_read(filename="u.csv", data=SHEET.encode()))
    assert report.errors == []
    assert sorted(report.created) == ["东一村", "东乡镇", "城关县", "西乡镇"]
    assert tree_of() == [
        ("城关县", 1, "X"),
        ("东乡镇", 2, "D"),
        ("东一村", 3, "D1"),
        ("西乡镇", 2, "W"),
    ]
    # Importing again changes nothing; a renamed row (same code) is an update.
    again = units_import(rows=units_rows_read(filename="u.csv", data=SHEET.encode()))
    assert again.created == [] and again.updated == []
    renamed = SHEET.replace("西乡镇,城关县,W", "西城镇,城关县,W")
    report = units_import(rows=units_rows_read(filename="u.csv", data=renamed.encode()))
    assert report.updated == ["西城镇"] and Unit.objects.filter(name="西城镇", code="W").exists()


def test_gbk_csv_and_xlsx_are_read():
    rows = units_rows_read(filename="u.csv", data=SHEET.encode("gbk"))
    assert [row.name for row in rows] == ["东一村", "城关县", "东乡镇", "西乡镇"]
    workbook = Workbook()
    sheet = workbook.active
    for row in (["名称", "上级单位", "编码"], ["河口县", None, "H"], ["河口镇", "H", 12]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = units_rows_read(filename="u.xlsx", data=buffer.getvalue())
    found = [(r.name, r.parent, r.code) for r in rows]
    assert found == [("河口县", "", "H"), ("河口镇", "H", "12")]
    with pytest.raises(UnitImportError):
        units_rows_read(filename="u.xlsx", data=b"not a zip")


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        ("a,,1\nb,不存在,2\n", "找不到上级单位"),
        ("a,,1\nb,a,1\n", "编码 1 在文件中出现了不止一次"),
        (",,1\n", "缺少单位名称"),
        ("甲,,\n乙,,\n村,甲,\n村,乙,\n组,村,\n", "有重名"),
        ("长" * 101 + ",,\n", "名称太长"),
    ],
)
def test_a_bad_sheet_changes_nothing(sheet, message):
    report = units_import(rows=units_rows_read(filename="u.csv", data=sheet.encode()))
    assert any(message in error for error in report.errors), report.errors
    assert not Unit.objects.exists()


def test_ambiguous_parent_with_existing_duplicates():
    unit_tree({"甲镇": {"新村": {}}, "乙镇": {"新村": {}}})
    report = units_import(rows=units_rows_read(filename="u.csv", data="三组,新村,\n".encode()))
    assert any("有重名" in error for error in report.errors)
    assert Unit.objects.count() == 4


def test_dry_run_previews_and_writes_nothing():
    report = units_import(rows=units_rows_read(filename="u.csv", data=SHEET.encode()), dry_run=True)
    assert len(report.created) == 4 and report.dry_run
    assert not Unit.objects.exists()


def test_users_are_linked_on_exact_unique_names_only():
    exact = UserFactory(unit="东乡镇")
    spaced = UserFactory(unit=" 东乡镇 ")
    other = UserFactory(unit="东乡")
    twice = UserFactory(unit="新村")
    unit_tree({"甲镇": {"新村": {}}, "乙镇": {"新村": {}}})
    report = units_import(rows=units_rows_read(filename="u.csv", data=SHEET.encode()))
    assert report.users_linked == 2
    for person in (exact, spaced, other, twice):
        person.refresh_from_db()
    assert exact.org_unit.name == "东乡镇" and spaced.org_unit.name == "东乡镇"
    assert other.org_unit is None and twice.org_unit is None
    assert other.unit == "东乡"  # the free-text label stays


def test_the_data_migration_links_exact_matches():
    units = unit_tree({"城关县": {}})
    person = UserFactory(unit="城关县")
    migration = importlib.import_module("experiences.migrations.0017_study")
    migration.units_match(apps, None)
    person.refresh_from_db()
    assert person.org_unit == units["城关县"]


def test_import_command(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes(SHEET.encode())
    call_command("import_units", str(path), "--dry-run")
    assert "新增 4 个单位" in capsys.readouterr().out
    assert not Unit.objects.exists()
    call_command("import_units", str(path))
    assert Unit.objects.count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"a,nowhere,\n")
    with pytest.raises(CommandError):
        call_command("import_units", str(bad))
    with pytest.raises(CommandError):
        call_command("import_units", str(tmp_path / "missing.csv"))


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_import_page_previews_then_imports(admin_client):
    url = reverse("admin:experiences_unit_import")
    assert admin_client.get(url).status_code == 200
    upload = SimpleUploadedFile("units.csv", SHEET.encode())
    response = admin_client.post(url, {"file": upload, "dry_run": "on"})
    assert "将新增 4 个单位" in response.content.decode()
    assert not Unit.objects.exists()
    upload = SimpleUploadedFile("units.csv", SHEET.encode())
    response = admin_client.post(url, {"file": upload})
    assert response.status_code == 302 and Unit.objects.count() == 4
    response = admin_client.post(url, {"file": SimpleUploadedFile("u.txt", b"x")})
    assert "请上传 .csv 或 .xlsx 文件" in response.content.decode()


def test_admin_import_is_refused_to_colleagues(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:experiences_unit_import")).status_code == 403
    assert client.get(reverse("admin:experiences_unit_unmatched")).status_code == 403


def test_admin_unmatched_page_maps_a_user(admin_client):
    units = unit_tree({"城关县": {"东乡镇": {}}})
    person = UserFactory(username="lost", unit="东乡")
    url = reverse("admin:experiences_unit_unmatched")
    html = admin_client.get(url).content.decode()
    assert "lost" in html and "东乡" in html
    response = admin_client.post(url, {"user": person.pk, "unit": units["东乡镇"].pk}, follow=True)
    person.refresh_from_db()
    assert person.org_unit == units["东乡镇"]
    assert "lost" not in response.content.decode().split("<table")[-1]
    response = admin_client.post(url, {"user": person.pk, "unit": "abc"}, follow=True)
    assert "请选择一个单位" in response.content.decode()


def test_admin_edits_and_moves_units(admin_client):
    units = unit_tree({"城关县": {"东乡镇": {"东一村": {}}}, "河口县": {}})
    response = admin_client.post(
        reverse("admin:experiences_unit_change", args=[units["东乡镇"].pk]),
        {"name": "东乡镇", "code": "D", "parent": units["河口县"].pk},
    )
    assert response.status_code == 302
    moved = Unit.objects.get(pk=units["东一村"].pk)
    assert Unit.objects.get_parent(moved).name == "东乡镇"
    assert moved.is_within(Unit.objects.get(name="河口县"))
    # Under itself: the choice is not offered, so the form refuses it.
    response = admin_client.post(
        reverse("admin:experiences_unit_change", args=[units["东乡镇"].pk]),
        {"name": "东乡镇", "code": "D", "parent": units["东一村"].pk},
    )
    assert response.status_code == 200
    response = admin_client.post(
        reverse("admin:experiences_unit_add"), {"name": "新县", "code": "D", "parent": ""}
    )
    assert "这个编码已被其他单位使用" in response.content.decode()
    response = admin_client.post(
        reverse("admin:experiences_unit_add"), {"name": "新县", "code": "N", "parent": ""}
    )
    assert response.status_code == 302 and Unit.objects.get(code="N").depth == 1
    assert admin_client.get(reverse("admin:experiences_unit_changelist")).status_code == 200


def test_the_user_admin_offers_the_unit(admin_client):
    person = UserFactory(username="someone")
    html = admin_client.get(reverse("admin:experiences_user_change", args=[person.pk])).content
    assert "所属单位" in html.decode() and 'name="org_unit"' in html.decode()


@pytest.fixture
def town_organiser_client(client):
    """An organiser of 甲镇 who was also given the unit admin's add and change rights."""
    from django.contrib.auth.models import Group, Permission

    if not Group.objects.filter(name="组织员").exists():
        importlib.import_module("experiences.migrations.0017_study").organisers_create(apps, None)
    units = unit_tree({"县委": {"甲镇": {"甲一村": {}}, "乙镇": {"乙一村": {}}}})
    person = UserFactory(username="jiazuzhi", is_staff=True, org_unit=units["甲镇"])
    person.groups.add(Group.objects.get(name="组织员"))
    for codename in ("add_unit", "change_unit"):
        person.user_permissions.add(Permission.objects.get(codename=codename))
    client.force_login(person)
    return client, units


def test_an_organiser_edits_units_only_within_their_subtree(town_organiser_client):
    client, units = town_organiser_client
    change = reverse("admin:experiences_unit_change", args=[units["甲一村"].pk])
    form = client.get(change).context["adminform"].form
    assert {unit.name for unit in form.fields["parent"].queryset} == {"甲镇"}
    # Moving a village to another town: not offered, so refused; nothing moves.
    response = client.post(change, {"name": "甲一村", "code": "", "parent": units["乙镇"].pk})
    assert response.status_code == 200
    assert Unit.objects.get_parent(Unit.objects.get(name="甲一村")).name == "甲镇"
    # Their own town keeps its parent (above their subtree) when renamed.
    town = reverse("admin:experiences_unit_change", args=[units["甲镇"].pk])
    response = client.post(town, {"name": "甲镇新", "code": "", "parent": units["县委"].pk})
    assert response.status_code == 302 and Unit.objects.filter(name="甲镇新").exists()
    # A new unit needs a parent in their subtree: a top-level one would lie outside it.
    add = reverse("admin:experiences_unit_add")
    response = client.post(add, {"name": "新县", "code": "", "parent": ""})
    assert "请选择上级单位" in response.content.decode()
    response = client.post(add, {"name": "甲二村", "code": "", "parent": units["甲镇"].pk})
    assert response.status_code == 302
    assert Unit.objects.get(name="甲二村").is_within(Unit.objects.get(name="甲镇新"))
    # Another town's unit cannot even be opened.
    other = reverse("admin:experiences_unit_change", args=[units["乙镇"].pk])
    assert client.post(other, {"name": "改名", "code": "", "parent": ""}).status_code == 302
    assert Unit.objects.filter(name="乙镇").exists()


# ---- Bounds on what an import reads ----


def xlsx_bytes(rows, *, dimension=None, sheet_xml=None) -> bytes:
    """An .xlsx of ``rows``; its first sheet's declared dimension or whole XML replaced."""
    import re
    import zipfile

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    plain = io.BytesIO()
    workbook.save(plain)
    patched = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if dimension:
                    content = re.sub(rb'<dimension ref="[^"]*"', dimension.encode(), content)
                if sheet_xml is not None:
                    content = sheet_xml
            target.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return patched.getvalue()


def test_xlsx_declared_dimension_is_ignored(monkeypatch):
    """A sheet claiming A1:XFD… is read three columns wide, not 16,384 cells a row."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    widest = []
    original = ReadOnlyWorksheet._get_row

    def counting(self, *args, **kwargs):
        row = original(self, *args, **kwargs)
        widest.append(len(row))
        return row

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", counting)
    rows = [["名称", "上级单位", "编码"]] + [[f"单位{i}", None, f"C{i}"] for i in range(50)]
    data = xlsx_bytes(rows, dimension='<dimension ref="A1:XFD20000"')
    read = units_rows_read(filename="u.xlsx", data=data)
    assert len(read) == 50 and read[0].name == "单位0" and read[-1].code == "C49"
    assert max(widest) == 3


def test_a_sheet_longer_than_the_bound_is_refused_not_read_to_its_end(monkeypatch):
    from experiences.units import services

    monkeypatch.setattr(services, "MAX_IMPORT_ROWS", 5)
    monkeypatch.setattr(services, "MAX_IMPORT_LINES", 10)
    # Mostly blank rows: the old reader skipped them all, however many there were.
    rows = [["甲镇", None, "J"]] + [[None, None, None, "备注"]] * 30
    for filename, data in (
        ("u.xlsx", xlsx_bytes(rows)),
        ("u.csv", ("甲镇,,J\n" + ",,,备注\n" * 30).encode()),
    ):
        with pytest.raises(UnitImportError, match="行数太多\uff1a最多 5 行"):
            units_rows_read(filename=filename, data=data)


@pytest.mark.parametrize("length", [5000, 140000])
def test_a_huge_csv_cell_gets_a_message(length):
    data = ("名称,上级单位,编码\n甲镇,," + "长" * length + "\n").encode()
    with pytest.raises(UnitImportError, match="第 2 行"):
        units_rows_read(filename="u.csv", data=data)


def test_a_huge_xlsx_cell_gets_a_message():
    data = xlsx_bytes([["甲镇", "长" * 5000, None]])
    with pytest.raises(UnitImportError, match="单元格太长"):
        units_rows_read(filename="u.xlsx", data=data)


def test_an_xlsx_that_unpacks_too_large_is_refused_unread(monkeypatch):
    from experiences.units import services

    monkeypatch.setattr(services, "MAX_XLSX_UNPACKED_BYTES", 1000)
    with pytest.raises(UnitImportError, match="Excel 文件内容太大"):
        units_rows_read(filename="u.xlsx", data=xlsx_bytes([["甲镇", None, None]]))


def test_a_broken_sheet_inside_a_valid_zip_gets_a_message():
    data = xlsx_bytes([["甲镇"]], sheet_xml=b"<worksheet><sheetData><row r='x'><c")
    with pytest.raises(UnitImportError, match="无法读取这个 Excel 文件"):
        units_rows_read(filename="u.xlsx", data=data)


def test_reading_stops_at_the_time_bound(monkeypatch):
    from experiences.units import services

    monkeypatch.setattr(services, "MAX_IMPORT_SECONDS", -1.0)  # already past: no clock involved
    with pytest.raises(UnitImportError, match="用时太长"):
        units_rows_read(filename="u.csv", data=SHEET.encode())


def test_every_bad_file_gets_a_chinese_message_in_the_admin_and_the_command(
    admin_client, tmp_path, monkeypatch
):
    from experiences.units import services

    url = reverse("admin:experiences_unit_import")
    bad_files = {
        "cell.csv": ("甲镇,," + "长" * 140000 + "\n").encode(),
        "broken.xlsx": xlsx_bytes([["甲镇"]], sheet_xml=b"<worksheet><sheetData><row"),
        "zip.xlsx": b"PK\x03\x04 not really",
    }
    for name, data in bad_files.items():
        response = admin_client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 200, name
        assert 'class="errorlist' in response.content.decode(), name
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CommandError) as raised:
            call_command("import_units", str(path))
        assert any("\u4e00" <= char <= "\u9fff" for char in str(raised.value)), name
    assert not Unit.objects.exists()
    # Too large: refused by the form and the command before the file is read.
    monkeypatch.setattr(services, "MAX_IMPORT_BYTES", 10)
    monkeypatch.setattr("experiences.units.forms.MAX_IMPORT_BYTES", 10)
    monkeypatch.setattr("experiences.management.commands.import_units.MAX_IMPORT_BYTES", 10)
    response = admin_client.post(url, {"file": SimpleUploadedFile("u.csv", SHEET.encode())})
    assert "文件太大" in response.content.decode()
    path = tmp_path / "big.csv"
    path.write_bytes(SHEET.encode())
    with pytest.raises(CommandError, match="文件太大"):
        call_command("import_units", str(path))
