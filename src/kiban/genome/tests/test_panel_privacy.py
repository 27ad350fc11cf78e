"""The panel's pages and API show counts through disclosure control, and a controlled dataset not at all."""

import pytest

from kiban.core.choices import Role
from kiban.core.testing import SIGNED_IN, client_for, table_rows
from kiban.genome.choices import AccessLevel
from kiban.genome.services import dataset_access_set

from .small_panel import DATASET

# 1-40000-G-A has one carrier: KBN-S1 (XX, cohort A, tohoku), heterozygous.
SINGLE_CARRIER = "1-40000-G-A"
NOT_ENTITLED = [role for role in SIGNED_IN if role != Role.BIOBANK_CURATOR]


@pytest.mark.parametrize("role", [Role.COMPANY, Role.RESEARCHER])
def test_the_variant_page_masks_every_count_of_a_single_carrier_variant(db, small_panel, role):
    response = client_for(role).get(f"/genome/{DATASET}/variant/{SINGLE_CARRIER}/")

    assert response.status_code == 200
    rows = table_rows(response, "strata")[1:]
    assert rows[0][0] == "All samples"
    for row in rows:
        counts = row[-7:-1] if row[0] != "All samples" else row[1:7]
        ac, _an, af, hom, het, _hemi = counts
        # Nothing says which sex, cohort or centre the carrier belongs to.
        assert (ac, af, hom, het) == ("<10", "—", "<10", "<10"), row
    assert 'id="masked-note"' in response.content.decode()


def test_a_curator_sees_the_single_carriers_exact_counts(db, small_panel):
    response = client_for(Role.BIOBANK_CURATOR).get(f"/genome/{DATASET}/variant/{SINGLE_CARRIER}/")

    cells = {tuple(row[:2]): row for row in table_rows(response, "strata")[1:]}
    assert cells[("Sex", "XX")][2] == "1"
    assert 'id="masked-note"' not in response.content.decode()


@pytest.mark.parametrize("role", NOT_ENTITLED)
def test_the_api_gives_no_count_of_a_single_carrier_variant_to_anyone_but_curators(db, small_panel, role):
    body = client_for(role).get(f"/api/genome/datasets/{DATASET}/variants/{SINGLE_CARRIER}").json()

    assert body["counts"]["ac"] is None and body["counts"]["af"] is None
    for groups in body["strata"].values():
        for counts in groups.values():
            assert (counts["ac"], counts["af"], counts["het"]) == (None, None, None), body["strata"]


def test_downloads_leave_masked_counts_empty(db, small_panel):
    response = client_for(Role.COMPANY).get(
        f"/genome/{DATASET}/region/?chrom=1&start=40000&end=40000&download=tsv"
    )

    header, row = b"".join(response.streaming_content).decode().splitlines()
    values = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert values["variant_id"] == SINGLE_CARRIER
    assert values["ac"] == "" and values["ac_sex_XX"] == "" and values["ac_cohort_B"] == ""


def test_a_controlled_dataset_is_neither_listed_nor_shown(db, small_panel):
    dataset_access_set(dataset_id=DATASET, level=AccessLevel.CONTROLLED, actor=None, reason="test")
    client = client_for(Role.RESEARCHER)

    page = client.get(f"/genome/{DATASET}/variant/1-12345-A-G/")
    assert page.status_code == 403
    assert "controlled access" in page.content.decode()
    api = client.get(f"/api/genome/datasets/{DATASET}/variants/1-12345-A-G")
    assert (api.status_code, api.json()["code"]) == (403, "dataset_controlled")
    assert client.get("/api/genome/datasets").json()["count"] == 0
    assert DATASET not in client.get("/genome/").content.decode()


def test_an_access_level_set_in_admin_is_audited(db, admin_client, admin_user):
    response = admin_client.post(
        "/admin/genome/datasetaccess/add/", {"dataset_id": DATASET, "level": AccessLevel.PUBLIC}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    from kiban.genome.models import DatasetAccess

    history = DatasetAccess.objects.get(dataset_id=DATASET).history.get()
    assert (history.level, history.history_user, history.history_change_reason) == (
        "public",
        admin_user,
        "Access level set in /admin/",
    )
