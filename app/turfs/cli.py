"""``doorstep turf cut``: the same cut as the API, for scripted work and for checking quality."""

from __future__ import annotations

import json
from pathlib import Path

import click
import shapely
from flask.cli import with_appcontext
from shapely.geometry import mapping, shape

from app.accounts.cli import ORG, organization_id_for
from app.audit.context import acting_as
from app.core.actor import Actor
from app.core.transactions import commit


@click.group("turf")
def turf_group() -> None:
    """Cut turf."""


def _codes(text: str | None) -> list[str]:
    return [code.strip() for code in (text or "").split(",") if code.strip()]


def _read_geometries(path: Path, *, lines: bool):
    from app.core.geo import read_features

    geometries = [shape(g) for _, g in read_features(path) if g]
    wanted = ("LineString", "MultiLineString") if lines else ("Polygon", "MultiPolygon")
    kept = [g for g in geometries if g.geom_type in wanted]
    if not kept:
        raise click.ClickException(f"{path.name} holds no {' or '.join(wanted)}.")
    return kept


@turf_group.command("cut")
@click.option("--precincts", default=None, help="Precinct codes to cut, comma-separated")
@click.option("--wards", default=None, help="Ward codes to cut, comma-separated")
@click.option(
    "--area",
    "area_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoJSON (or zipped Shapefile) polygon to cut",
)
@click.option("--target", type=int, required=True, help="Doors (target homes) per turf")
@click.option("--respect-precincts", is_flag=True, help="No turf crosses a precinct line")
@click.option("--respect-wards", is_flag=True, help="No turf crosses a ward line")
@click.option(
    "--barriers",
    "barrier_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Lines no turf may cross (GeoJSON or zipped Shapefile), besides the streets"
    " marked as barriers",
)
@click.option("--universe", default=None, help="Name of a saved universe: its doors only")
@click.option("--no-streets", is_flag=True, help="Ignore block faces")
@click.option("--save", is_flag=True, help="Commit the cut (turfs outside the area stay)")
@click.option("--name", default=None, help="Name of the saved cut")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the turfs (GeoJSON)",
)
@ORG
@with_appcontext
def cut_command(
    precincts,
    wards,
    area_file,
    target,
    respect_precincts,
    respect_wards,
    barrier_file,
    universe,
    no_streets,
    save,
    name,
    out,
    slug,
) -> None:
    """Cut an area into turfs of about TARGET doors; write them with their walking routes."""
    from app.core.errors import DoorstepError
    from app.turfs import operations
    from app.turfs.cutting import CutSpec, plan_cut

    chosen = [bool(precincts), bool(wards), area_file is not None]
    if sum(chosen) != 1:
        raise click.UsageError("Give exactly one of --precincts, --wards or --area.")
    with acting_as("cli:turf-cut"):
        organization_id = organization_id_for(slug)
        polygon, area_ids = None, ()
        if area_file:
            polygon = shapely.union_all(_read_geometries(area_file, lines=False))
        else:
            kind, codes = ("precinct", precincts) if precincts else ("ward", wards)
            area_ids = tuple(_area_ids(organization_id, kind, _codes(codes)))
        extra = tuple(_read_geometries(barrier_file, lines=True)) if barrier_file else ()
        respect = tuple(
            k for k, on in (("precinct", respect_precincts), ("ward", respect_wards)) if on
        )
        spec = CutSpec(
            target=target,
            polygon=polygon,
            area_ids=area_ids,
            universe_filter=_universe_filter(organization_id, universe) if universe else None,
            respect=respect,
            use_streets=not no_streets,
            extra_barriers=extra,
            with_routes=True,
        )
        try:
            plan = plan_cut(organization_id, spec)
            saved_ids: list[int] = []
            if save:
                record = operations.commit_cut(
                    Actor.system(organization_id, "cli:turf-cut"),
                    spec,
                    name or f"Cut at {target} doors",
                )
                commit()
                from app.turfs.queries import cut_turf_ids

                saved_ids = cut_turf_ids(record.id)
        except DoorstepError as exc:
            raise click.ClickException(exc.message) from exc
    out.write_text(json.dumps(_collection(plan, saved_ids)))
    _print_metrics(plan, out, saved_ids)


def _area_ids(organization_id: int, kind: str, codes: list[str]) -> list[int]:
    from sqlalchemy import select

    from app.areas.models import Area
    from app.extensions import db

    found = dict(
        db.session.execute(
            select(Area.code, Area.id).where(
                Area.organization_id == organization_id, Area.kind == kind, Area.code.in_(codes)
            )
        ).all()
    )
    missing = [c for c in codes if c not in found]
    if missing or not codes:
        raise click.ClickException(f"No {kind} with code {', '.join(missing) or '(none given)'}.")
    return [found[c] for c in codes]


def _universe_filter(organization_id: int, name: str) -> dict:
    from sqlalchemy import select

    from app.extensions import db
    from app.universes.models import Universe

    universe = db.session.scalar(
        select(Universe).filter_by(organization_id=organization_id, name=name)
    )
    if universe is None:
        raise click.ClickException(f"No saved universe named {name!r}.")
    return universe.filter


def _collection(plan, saved_ids: list[int]) -> dict:
    features = []
    for number, turf in enumerate(plan.turfs):
        stops = [
            {
                "address_id": int(turf.address_ids[i]),
                "household_ids": turf.household_ids[i],
                "lon": round(float(turf.lonlat[i, 0]), 7),
                "lat": round(float(turf.lonlat[i, 1]), 7),
            }
            for i in turf.route
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(turf.polygon),
                "properties": {
                    "turf_id": saved_ids[number] if saved_ids else None,
                    "number": number + 1,
                    "name": turf.name,
                    "doors": len(turf.address_ids),
                    "targets": turf.target_count,
                    "polsby_popper": round(turf.polsby_popper, 3),
                    "contiguous": turf.polygon.geom_type == "Polygon",
                    "route_length_m": round(turf.route_length, 1),
                    "stops": stops,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "metrics": plan.metrics,
        "seconds": plan.seconds,
    }


def _print_metrics(plan, out: Path, saved_ids: list[int]) -> None:
    m = plan.metrics
    fair = m["balanced"]
    click.echo(
        f"{m['turfs']} turfs of {m['doors']:.0f} doors (target {plan.spec.target}) -> {out}"
        + (f"; saved as turfs {saved_ids[0]}..{saved_ids[-1]}" if saved_ids else "")
    )
    click.echo(
        f"balance: std/mean {m['overall']['std_over_mean']:.3f}, within +-33% "
        f"{m['overall']['within_tolerance']:.1%}, min {m['overall']['min']:.0f},"
        f" max {m['overall']['max']:.0f}"
    )
    click.echo(
        f"  without {m['oversized_stops']} buildings heavier than a turf and a third, alone:"
        f" std/mean {fair['std_over_mean']:.3f}, within +-33% {fair['within_tolerance']:.1%},"
        f" min {fair['min']:.0f}, max {fair['max']:.0f} ({m['small_parts']} turfs of parts"
        " too small to fill one)"
    )
    click.echo(
        f"contiguous {m['contiguous']:.1%}, Polsby-Popper {m['polsby_popper']:.3f},"
        f" block faces split {m['faces_split']}, barrier crossings {m['barrier_crossings']},"
        f" overlap {m['overlap_m2']:.0f} m2, doors outside their polygon"
        f" {m['doors_outside_polygon']}, outside the area {m['doors_outside_area']}"
    )
    lengths = [t.route_length for t in plan.turfs]
    click.echo(
        f"routes: {sum(lengths) / max(len(lengths), 1):.0f} m on average; seconds {plan.seconds}"
    )
