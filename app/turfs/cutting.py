"""Run a cut: the campaign's doors through the ``turf`` library, back as named turfs with
their polygons (WGS84) and the cut's metrics. Nothing is stored here (see operations)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry import mapping

from app.core.errors import ValidationError
from app.turfs.inputs import CutInputs, area_of, load_inputs
from app.turfs.walking import walking_route
from turf.blockfaces import block_faces
from turf.cut import cut
from turf.errors import TurfInputError
from turf.metrics import cut_metrics, polsby_popper
from turf.projection import LocalProjection

MIN_TARGET, MAX_TARGET = 5, 2_000


@dataclass(frozen=True)
class CutSpec:
    """What a director asks for: an area (drawn, or areas by id), a target, and options."""

    target: int
    polygon: shapely.Geometry | None = None
    area_ids: tuple[int, ...] = ()
    universe_filter: dict | None = None
    respect: tuple[str, ...] = ()
    use_barriers: bool = True
    use_streets: bool = True
    #: More lines no turf may cross (WGS84), besides the streets marked as barriers.
    extra_barriers: tuple = ()
    #: Also order each turf's stops into a walking route (the CLI's output, walk lists).
    with_routes: bool = False


@dataclass
class PlannedTurf:
    name: str
    address_ids: np.ndarray
    weights: np.ndarray
    polygon: shapely.Geometry  # WGS84
    region: str
    polsby_popper: float
    #: The stops' order of walking (indices into address_ids), its length, and homes per stop.
    route: np.ndarray | None = None
    route_length: float = 0.0
    household_ids: list[list[int]] = field(default_factory=list)
    lonlat: np.ndarray | None = None
    source: int = -1  # the turf's index in the library's result

    @property
    def target_count(self) -> int:
        return int(self.weights.sum())


@dataclass
class CutPlan:
    spec: CutSpec
    area: shapely.Geometry
    turfs: list[PlannedTurf]
    metrics: dict
    seconds: dict = field(default_factory=dict)

    def feature_collection(self) -> dict:
        return {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": mapping(t.polygon),
                    "properties": {
                        "number": n,
                        "name": t.name,
                        "doors": len(t.address_ids),
                        "targets": t.target_count,
                        "region": t.region,
                        "polsby_popper": round(t.polsby_popper, 3),
                        "contiguous": t.polygon.geom_type == "Polygon",
                    },
                }
                for n, t in enumerate(self.turfs, start=1)
            ],
            "metrics": self.metrics,
            "seconds": self.seconds,
        }


def plan_cut(organization_id: int, spec: CutSpec) -> CutPlan:
    """Fetch, cut, name: the preview of a cut, and what a commit stores."""
    if not MIN_TARGET <= spec.target <= MAX_TARGET:
        raise ValidationError(
            f"The target must be between {MIN_TARGET} and {MAX_TARGET} doors.",
            fields={"target": spec.target},
        )
    started = time.perf_counter()
    area = area_of(organization_id, spec.polygon, list(spec.area_ids))
    inputs = load_inputs(
        organization_id,
        area,
        universe_filter=spec.universe_filter,
        respect=spec.respect,
        use_barriers=spec.use_barriers,
    )
    fetched = time.perf_counter()
    if not len(inputs.address_ids):
        raise ValidationError(
            "The area holds no doors to cut (no placed homes with people on the list).",
            code="no_doors",
            fields={"area": "no doors"},
        )
    projection = LocalProjection.around(np.array(area.envelope.exterior.coords))
    xy = projection.forward(inputs.lonlat)
    streets = [projection.forward_geometry(s) for s in inputs.streets]
    faces = block_faces(xy, streets) if spec.use_streets and streets else None
    lines = [*inputs.barriers, *spec.extra_barriers]
    barriers = [projection.forward_geometry(b) for b in lines]
    faced = time.perf_counter()
    try:
        result = cut(
            xy,
            spec.target,
            projection.forward_geometry(area),
            weights=inputs.weights,
            faces=faces,
            regions=[projection.forward_geometry(r) for r in inputs.regions],
            barriers=barriers,
        )
    except TurfInputError as exc:
        raise ValidationError(exc.message, fields={exc.field or "area": exc.message}) from exc
    cut_done = time.perf_counter()
    metrics = cut_metrics(result, xy, spec.target, faces=faces, barriers=barriers).as_dict()
    metrics["doors_outside_area"] = len(result.outside)
    turfs = _named(result, inputs, projection)
    if spec.with_routes:
        _add_routes(turfs, result, xy, faces, streets)
    routed = time.perf_counter()
    return CutPlan(
        spec=spec,
        area=area,
        turfs=turfs,
        metrics=metrics,
        seconds={
            "fetch": round(fetched - started, 3),
            "block_faces": round(faced - fetched, 3),
            "cut": round(cut_done - faced, 3),
            "routes": round(routed - cut_done, 3),
            "total": round(time.perf_counter() - started, 3),
        },
    )


def _named(result, inputs: CutInputs, projection) -> list[PlannedTurf]:
    """Turfs in a stable order (by region, then west to east), named ``region-n``."""
    regions = inputs.regions
    planned = []
    for turf in result.turfs:
        polygon = projection.inverse_geometry(turf.polygon)
        inside = polygon.representative_point()
        region = next(
            (
                code
                for code, shape in zip(inputs.region_codes, regions, strict=True)
                if shape.covers(inside)
            ),
            "",
        )
        planned.append(
            PlannedTurf(
                name="",
                address_ids=inputs.address_ids[turf.doors],
                weights=inputs.weights[turf.doors],
                polygon=polygon,
                region=region,
                polsby_popper=polsby_popper(turf.polygon),
                household_ids=[inputs.household_ids[i] for i in turf.doors],
                lonlat=inputs.lonlat[turf.doors],
                source=len(planned),
            )
        )
    planned.sort(key=lambda t: (t.region, t.polygon.centroid.x, t.polygon.centroid.y))
    counts: dict[str, int] = {}
    for turf in planned:
        counts[turf.region] = counts.get(turf.region, 0) + 1
        turf.name = f"{turf.region or 'Turf'}-{counts[turf.region]}"
    return planned


def _add_routes(turfs: list[PlannedTurf], result, xy, faces, streets) -> None:
    """Each turf's stops in walking order: on the street network when streets are known."""
    for turf in turfs:
        doors = result.turfs[turf.source].doors
        route = walking_route(xy[doors], streets, None if faces is None else faces[doors])
        turf.route, turf.route_length = route.order, route.length
