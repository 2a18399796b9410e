"""Compressed uploads are capped while they unpack: a zip bomb is refused, and memory stays low.

Each bomb is 200 MB of zeros, compressed in the test a megabyte at a time (about 200 KB packed).
"""

from __future__ import annotations

import gzip
import io
import tracemalloc
import zipfile

import pytest

from app.core.geo import read_features
from app.core.reading import FileRefused
from app.core.unpacking import UnpackedTooLarge
from app.imports.models import ImportKind, JobStatus
from tests.imports.voter_files import PA_COLUMNS, PA_ELECTIONS, pa_row, run_import, write_file

BOMB_MB = 200
MEMORY_LIMIT = 40 << 20  # far below the 200 MB a bomb would take when read whole


def zeros(handle, prefix: bytes = b"") -> None:
    handle.write(prefix)
    chunk = b"0" * (1 << 20)
    for _ in range(BOMB_MB):
        handle.write(chunk)


def gzip_bomb(path, prefix: bytes = b""):
    with gzip.open(path, "wb", compresslevel=9) as handle:
        zeros(handle, prefix)
    return path


def zip_bomb(path, member: str, *others: str):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for other in others:
            archive.writestr(other, b"")
        with archive.open(member, "w", force_zip64=True) as handle:
            zeros(handle, b'<?xml version="1.0"?><kml>' if member.endswith(".kml") else b"")
    return path


def gzipped(path):
    packed = path.with_suffix(path.suffix + ".gz")
    packed.write_bytes(gzip.compress(path.read_bytes()))
    return packed


def peak_memory(work) -> int:
    """The most memory Python held above its start while ``work`` ran."""
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before


def test_a_gzipped_voter_file_bomb_fails_its_job_with_little_memory(org, tmp_path):
    header = (",".join(PA_COLUMNS) + "\n").encode()
    path = gzip_bomb(tmp_path / "export.csv.gz", header)
    assert path.stat().st_size < 1 << 20
    jobs = []
    grown = peak_memory(
        lambda: jobs.append(
            run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
        )
    )
    job = jobs[0]
    assert job.status == JobStatus.FAILED
    assert "unpacks to more than 100 times its size" in job.error, job.error
    assert grown < MEMORY_LIMIT, f"{grown >> 20} MB"


@pytest.mark.parametrize(
    "make",
    [
        lambda p: gzip_bomb(p / "map.geojson.gz", b'{"type": "FeatureCollection", "x": "'),
        lambda p: zip_bomb(p / "turfs.kmz", "doc.kml"),
        lambda p: zip_bomb(p / "turfs.zip", "turfs.shp", "turfs.dbf", "turfs.shx"),
    ],
    ids=["geojson.gz", "kmz", "zipped-shapefile"],
)
def test_a_map_file_bomb_is_refused_with_little_memory(tmp_path, make):
    path = make(tmp_path)
    refused = []

    def read():
        with pytest.raises(UnpackedTooLarge) as caught:
            list(read_features(path))
        refused.append(caught.value)

    grown = peak_memory(read)
    assert (refused[0].status, refused[0].code) == (413, "unpacked_too_large")
    assert grown < MEMORY_LIMIT, f"{grown >> 20} MB"


def test_a_kmz_bomb_upload_is_a_413(client, headers, tmp_path):
    path = zip_bomb(tmp_path / "turfs.kmz", "doc.kml")
    response = client.post(
        "/api/v1/turfs/import",
        data={"file": (io.BytesIO(path.read_bytes()), "turfs.kmz")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 413, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "unpacked_too_large"
    assert "DOORSTEP_MAX_UNPACK_RATIO" in error["message"]


def test_the_unpacked_size_cap_is_a_setting(app, org, tmp_path):
    rows = [pa_row(f"{n}-51", street=f"{n} SPRUCE ST") for n in range(12000)]
    path = gzipped(write_file(tmp_path / "export.csv", PA_COLUMNS, rows))
    app.config["DOORSTEP_MAX_UNPACKED_MB"] = 1
    try:
        job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    finally:
        app.config["DOORSTEP_MAX_UNPACKED_MB"] = 16384
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The file unpacks to more than 1 MB (DOORSTEP_MAX_UNPACKED_MB)")


def test_a_gzip_damaged_after_its_start_is_a_clear_refusal(org, tmp_path):
    rows = [pa_row(f"{n}-51", street=f"{n} SPRUCE ST") for n in range(4000)]
    whole = gzipped(write_file(tmp_path / "whole.csv", PA_COLUMNS, rows)).read_bytes()
    path = tmp_path / "export.csv.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])  # the header and first rows still read
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=PA_ELECTIONS)
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("The file is a damaged gzip archive"), job.error


def test_a_damaged_gzipped_map_file_says_so(tmp_path):
    document = b'{"type": "FeatureCollection", "features": []}' * 2000
    path = tmp_path / "map.geojson.gz"
    path.write_bytes(gzip.compress(document)[:-40])
    with pytest.raises(FileRefused, match=r"^The map file is a damaged gzip archive"):
        list(read_features(path))
