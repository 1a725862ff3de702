"""Rebuild data/geo/pearl_river_delta.csv, the bundled land outline the map page draws (no tiles, no network).

Source: Natural Earth 1:10m land (public domain, https://www.naturalearthdata.com), as GeoJSON. Each land
polygon's outer ring is clipped to the Greater Bay Area box (Sutherland–Hodgman), simplified
(Douglas–Peucker) and written as rows `part, point, lon, lat`.

    python scripts/make_outline.py ne_10m_land.json data/geo/pearl_river_delta.csv
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

WEST, EAST, SOUTH, NORTH = 111.9, 115.0, 21.45, 23.95
TOLERANCE = 0.004  # degrees, about 400 m: the outline stays recognisable at dashboard size
Point = tuple[float, float]


def clip(ring: list[Point]) -> list[Point]:
    """The ring clipped to the box, one box edge at a time."""
    edges = (
        (lambda p: p[0] >= WEST, lambda a, b: _at_x(a, b, WEST)),
        (lambda p: p[0] <= EAST, lambda a, b: _at_x(a, b, EAST)),
        (lambda p: p[1] >= SOUTH, lambda a, b: _at_y(a, b, SOUTH)),
        (lambda p: p[1] <= NORTH, lambda a, b: _at_y(a, b, NORTH)),
    )
    for inside, cross in edges:
        out: list[Point] = []
        for i, current in enumerate(ring):
            previous = ring[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        ring = out
        if not ring:
            break
    return ring


def _at_x(a: Point, b: Point, x: float) -> Point:
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a: Point, b: Point, y: float) -> Point:
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def simplify(points: list[Point]) -> list[Point]:
    """Douglas–Peucker with an explicit stack (rings have tens of thousands of points)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
        best, index = 0.0, first
        for i in range(first + 1, last):
            x, y = points[i]
            if length:
                distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
            else:
                distance = ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if distance > best:
                best, index = distance, i
        if best > TOLERANCE:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def main(source: str, target: str) -> int:
    features = json.loads(Path(source).read_text(encoding="utf-8"))["features"]
    rows = []
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            ring = clip([(x, y) for x, y in polygon[0]])
            if len(ring) < 4:
                continue
            ring = simplify([*ring, ring[0]])
            part = len({r[0] for r in rows})
            rows += [(part, i, round(x, 4), round(y, 4)) for i, (x, y) in enumerate(ring)]
    with Path(target).open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([("part", "point", "lon", "lat"), *rows])
    print(f"{len({r[0] for r in rows})} parts, {len(rows)} points -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
