"""``doorstep turf cut``: turfs with their walking routes in a GeoJSON file, metrics printed."""

from __future__ import annotations

import json

import numpy as np
from sqlalchemy import func, select

from app.cli import cli
from app.extensions import db
from app.turfs.models import Turf
from tests.turf.city import city_area
from tests.turfs.conftest import PROJECTION, geojson


def test_cut_precincts_writes_turfs_and_routes(runner, org, town, tmp_path):
    out = tmp_path / "turfs.geojson"
    result = runner.invoke(
        cli,
        [
            "turf",
            "cut",
            "--precincts",
            "0101,0102",
            "--target",
            "52",
            "--respect-precincts",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "turfs of 416 doors (target 52)" in result.output
    assert "block faces split 0, barrier crossings 0" in result.output
    collection = json.loads(out.read_text())
    features = collection["features"]
    assert sum(f["properties"]["doors"] for f in features) == 416
    for f in features:
        stops = f["properties"]["stops"]
        assert len(stops) == f["properties"]["doors"]
        assert all(len(stop["household_ids"]) == 1 for stop in stops)
        # The route walks a face before crossing: neighbouring stops are a few metres apart.
        xy = PROJECTION.forward([[s["lon"], s["lat"]] for s in stops])
        steps = np.linalg.norm(np.diff(xy, axis=0), axis=1)
        assert np.median(steps) < 10
        assert f["properties"]["turf_id"] is None  # not saved without --save
    assert db.session.scalar(select(func.count()).select_from(Turf)) == 0


def test_cut_an_area_file_and_save(runner, org, town, tmp_path):
    area = tmp_path / "area.geojson"
    area.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {}, "geometry": geojson(city_area(4, 4))}
                ],
            }
        )
    )
    out = tmp_path / "turfs.geojson"
    result = runner.invoke(
        cli,
        [
            "turf",
            "cut",
            "--area",
            str(area),
            "--target",
            "104",
            "--save",
            "--name",
            "Town",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    ids = [f["properties"]["turf_id"] for f in json.loads(out.read_text())["features"]]
    assert len(ids) == 4 and None not in ids
    assert db.session.scalar(select(func.count()).select_from(Turf)) == 4


def test_bad_cli_input(runner, org, town, tmp_path):
    out = str(tmp_path / "x.geojson")
    both = runner.invoke(
        cli, ["turf", "cut", "--precincts", "0101", "--wards", "1", "--target", "50", "--out", out]
    )
    assert both.exit_code != 0 and "exactly one" in both.output
    unknown = runner.invoke(
        cli, ["turf", "cut", "--precincts", "9999", "--target", "50", "--out", out]
    )
    assert unknown.exit_code != 0 and "No precinct with code 9999" in unknown.output
    tiny = runner.invoke(cli, ["turf", "cut", "--precincts", "0101", "--target", "1", "--out", out])
    assert tiny.exit_code != 0 and "between 5 and 2000" in tiny.output
