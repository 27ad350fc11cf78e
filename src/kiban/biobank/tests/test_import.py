"""Imports: the CSV/TSV and Beacon JSON formats, checked whole before writing, problems named by file, line
and column, nothing written on any problem, the same file twice changing nothing; the command with its
progress."""

import json

import pytest
from django.core.management import CommandError, call_command

from kiban.biobank.importing import ImportRefused, import_file
from kiban.biobank.models import Diagnosis, ImportRecord, Participant, Sample

TABLE = (
    "participant,sex,birth_year,age_at_enrolment,diagnoses,samples,data\n"
    "N001,female,1970,45,J45.0@2015-04-01;e119,N001-1:serum:-60to-85:3;N001-2:dna:-60to-85:1,wgs;mri\n"
    "N002,male,,61,,N002-1:plasma:-60to-85:0,\n"
)


def _counts():
    return (
        Participant.objects.count(),
        Diagnosis.objects.count(),
        Sample.objects.count(),
        ImportRecord.objects.count(),
    )


def test_a_table_is_imported_once(world, tmp_path):
    path = tmp_path / "new.csv"
    path.write_text(TABLE)
    before = _counts()
    summary = import_file(path, collection=world["community"])
    assert (summary.participants_added, summary.diagnoses_added, summary.samples_added) == (2, 2, 3)
    n001 = Participant.objects.get(pseudonym="N001")
    assert (n001.sex, n001.birth_year, n001.age_at_enrolment, n001.has_wgs, n001.has_mri, n001.has_wes) == (
        "female",
        1970,
        45,
        True,
        True,
        False,
    )
    assert sorted(n001.diagnoses.values_list("code", "category", "chapter")) == [
        ("E11.9", "E11", "IV"),
        ("J45.0", "J45", "X"),
    ]
    after = _counts()
    again = import_file(path, collection=world["community"])
    assert not again.changed and _counts() == after and after[3] == before[3] + 1


def test_a_changed_value_is_updated(world, tmp_path):
    path = tmp_path / "new.tsv"
    path.write_text(TABLE.replace(",", "\t"))
    import_file(path, collection=world["community"])
    path.write_text(TABLE.replace(",", "\t").replace("N002-1:plasma:-60to-85:0", "N002-1:plasma:-60to-85:4"))
    summary = import_file(path, collection=world["community"])
    assert (summary.participants_added, summary.samples_added) == (0, 1)
    assert Sample.objects.get(label="N002-1").aliquots == 4


def test_every_problem_is_named_and_nothing_is_written(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        TABLE
        + "N003,woman,1970,45,J99.9,N003-1:blood:-60to-85:3,genome\n"
        + "N004,female,1970,abc,J45,,\n"
        + "N001,female,1970,45,,,\n"
        + "N005,female\n"
    )
    before = _counts()
    with pytest.raises(ImportRefused) as refusal:
        import_file(path, collection=world["community"])
    text = str(refusal.value)
    for expected in (
        "bad.csv:4:sex: “woman” is not a sex",
        "bad.csv:4:diagnoses: “J99.9” has the form of an ICD-10 code but is not in the ICD-10 classification",
        "bad.csv:4:samples: “blood” is not a material type",
        "bad.csv:4:data: “genome” is not a data type",
        "bad.csv:5:age_at_enrolment: “abc” is not a whole number from 0 to 130",
        "bad.csv:7: 2 columns, the header has 7",
        "bad.csv:6:participant: participant “N001” is also at 2:participant",
    ):
        assert expected in text, text
    assert _counts() == before


def test_a_participant_of_another_collection_is_refused(world, tmp_path):
    path = tmp_path / "moved.csv"
    path.write_text("participant,sex,age_at_enrolment\nP001,female,40\n")
    with pytest.raises(ImportRefused, match="already in another collection"):
        import_file(
            path,
            collection=world["community"].biobank.collections.create(
                code="other", name="別", kind="other", access_conditions="-"
            ),
        )


def test_a_header_without_the_required_columns_is_refused(world, tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("id,sex\nA,female\n")
    with pytest.raises(ImportRefused, match=r"header\.csv:1: the header must name"):
        import_file(path, collection=world["community"])


BEACON = {
    "individuals": [
        {
            "id": "J001",
            "sex": {"id": "NCIT:C16576", "label": "female"},
            "diseases": [
                {"diseaseCode": {"id": "ICD10:J45.0", "label": "asthma"}, "info": {"date": "2019-05-01"}}
            ],
            "info": {"yearOfBirth": 1975, "data": ["wgs", "questionnaire"]},
        },
        {"id": "J002", "sex": {"id": "NCIT:C20197"}, "info": {"ageAtEnrolment": "P61Y3M"}},
    ],
    "biosamples": [
        {
            "id": "J001-S1",
            "individualId": "J001",
            "biosampleStatus": {"id": "EFO:0009654"},
            "sampleOriginType": {"id": "UBERON:0001977", "label": "blood serum"},
            "collectionMoment": "P47Y2M",
            "info": {"aliquots": 2},
        },
        {
            "id": "J001-S2",
            "individualId": "J001",
            "sampleOriginType": {"id": "UBERON:0000178"},
            "collectionMoment": "P44Y",
            "info": {"materialType": "dna", "storageTemperature": "-18to-35"},
        },
    ],
}


def test_beacon_individuals_and_biosamples_are_imported(world, tmp_path):
    path = tmp_path / "beacon.json"
    path.write_text(json.dumps(BEACON))
    summary = import_file(path, collection=world["community"])
    assert (summary.participants_added, summary.diagnoses_added, summary.samples_added) == (2, 1, 2)
    j001 = Participant.objects.get(pseudonym="J001")
    assert (j001.sex, j001.age_at_enrolment, j001.birth_year, j001.has_wgs, j001.has_questionnaire) == (
        "female",
        44,
        1975,
        True,
        True,
    )
    assert sorted(j001.samples.values_list("label", "material_type", "storage_temperature", "aliquots")) == [
        ("J001-S1", "serum", "-60to-85", 2),
        ("J001-S2", "dna", "-18to-35", 1),
    ]
    assert str(j001.diagnoses.get().diagnosed_on) == "2019-05-01"
    assert Participant.objects.get(pseudonym="J002").age_at_enrolment == 61
    assert not import_file(path, collection=world["community"]).changed


def test_beacon_problems_name_the_path(world, tmp_path):
    document = json.loads(json.dumps(BEACON))
    document["individuals"][0]["sex"] = {"id": "NCIT:C00000"}
    document["individuals"][1]["diseases"] = [{"diseaseCode": {"id": "MONDO:0004979"}}]
    document["biosamples"][0]["sampleOriginType"] = {"id": "UBERON:9999999"}
    document["biosamples"][1]["collectionMoment"] = "45 years"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = _counts()
    with pytest.raises(ImportRefused) as refusal:
        import_file(path, collection=world["community"])
    text = str(refusal.value)
    assert "bad.json:individuals[0].sex: “NCIT:C00000” is not a sex term" in text
    assert "bad.json:individuals[1].diseases[0].diseaseCode: “MONDO:0004979” is not an ICD-10 term" in text
    assert "bad.json:biosamples[0].sampleOriginType: “UBERON:9999999”" in text
    assert "bad.json:biosamples[1].collectionMoment: “45 years” is not an ISO 8601 age" in text
    assert _counts() == before
    path.write_text("{nope")
    with pytest.raises(ImportRefused, match=r"bad.json:1:2: not JSON"):
        import_file(path, collection=world["community"])


def test_the_command_imports_with_progress_and_refuses_clearly(world, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(TABLE)
    call_command("biobank", "import", str(path), "--biobank", "tmm", "--collection", "community")
    out = capsys.readouterr().out
    assert "2/2 participants" in out and "2 participants added" in out
    call_command("biobank", "import", str(path), "--biobank", "TMM", "--collection", "community")
    assert "nothing to change" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No biobank 'XX'"):
        call_command("biobank", "import", str(path), "--biobank", "XX", "--collection", "community")
    with pytest.raises(CommandError, match="TMM has no collection 'nope'"):
        call_command("biobank", "import", str(path), "--biobank", "TMM", "--collection", "nope")
    path.write_text("participant,sex,age_at_enrolment\nZ1,x,1\n")
    with pytest.raises(CommandError, match=r"Nothing was imported\.\nnew\.csv:2:sex"):
        call_command("biobank", "import", str(path), "--biobank", "TMM", "--collection", "community")


def test_the_link_command_reports(panel, capsys):
    call_command("biobank", "link", "--dataset", panel, "--biobank", "TMM")
    assert "0 samples linked, 46 already linked" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No dataset"):
        call_command("biobank", "link", "--dataset", "nope", "--biobank", "TMM")
