from iotsphere.domain.devices.csv_import import MAX_IMPORT_ROWS, parse_devices_csv

HEADER = "name,device_type,tags,groups,serial,metadata.site\n"


def test_valid_rows_become_devices_in_file_order():
    report, devices = parse_devices_csv(
        "\ufeff" + HEADER + "p1,pump,a;b,g1,S1,Berlin\np2,pump,,,,\n"
    )
    assert report.valid
    assert [r.status for r in report.rows] == ["ok", "ok"]
    assert [d.name for d in devices] == ["p1", "p2"]
    assert (devices[0].tags, devices[0].groups, devices[0].serial) == (["a", "b"], ["g1"], "S1")
    assert devices[0].metadata == {"site": "Berlin"}
    assert (devices[1].serial, devices[1].metadata) == (None, {})


def test_one_bad_row_reports_every_row_and_imports_nothing():
    report, devices = parse_devices_csv(HEADER + "p1,pump,,,,\n,pump,,,,\np3,Bad Type,x y,,,\n")
    assert devices == []
    assert not report.valid
    assert [(r.row, r.status) for r in report.rows] == [(2, "ok"), (3, "invalid"), (4, "invalid")]
    assert report.rows[1].errors[0].startswith("name:")
    assert {e.split(":")[0] for e in report.rows[2].errors} == {"device_type", "tags.0"}


def test_duplicate_names_in_the_file_are_invalid():
    report, devices = parse_devices_csv(HEADER + "p1,pump,,,,\np1,pump,,,,\n")
    assert devices == []
    assert [r.errors for r in report.rows] == [["name 'p1' appears 2 times in the file"]] * 2


def test_header_problems_refuse_the_file():
    report, _ = parse_devices_csv("name,kind,name\np1,pump,p1\n")
    assert report.errors == [
        "missing column 'device_type'",
        "unknown column 'kind'",
        "column 'name' appears twice",
    ]


def test_a_row_with_too_many_cells_is_invalid():
    report, devices = parse_devices_csv("name,device_type\np1,pump,extra\n")
    assert (report.rows[0].errors, devices) == (["too many cells"], [])


def test_empty_and_oversized_files_are_refused():
    assert parse_devices_csv("")[0].errors == ["the file has no header row"]
    assert parse_devices_csv(HEADER)[0].errors == ["the file has no device rows"]
    big = HEADER + "p,pump,,,,\n" * (MAX_IMPORT_ROWS + 1)
    assert parse_devices_csv(big)[0].errors == [
        f"{MAX_IMPORT_ROWS + 1} rows; at most {MAX_IMPORT_ROWS}"
    ]
