"""Regenerate zip_centroids.csv.gz from the `zipcodes` package.

Run with `python -m placement.data.make_zip_centroids`. Loading `zipcodes` takes about a
second and keeps ~90 MB of dicts alive; every web worker would pay that, so we ship this
compact extract instead (ZIP, latitude, longitude, state). ZIPs listed without coordinates
(0, 0: mostly military APO/FPO codes) are left out.
"""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import zipcodes

TARGET = Path(__file__).with_name("zip_centroids.csv.gz")


def main() -> None:
    rows = []
    for record in zipcodes.list_all():
        lat, lon = record["lat"], record["long"]
        if not lat or not lon or (float(lat) == 0.0 and float(lon) == 0.0):
            continue
        rows.append((record["zip_code"], lat, lon, record["state"]))
    rows.sort()
    # mtime=0 keeps the file byte-identical between runs, so git sees no spurious change.
    with (
        gzip.GzipFile(TARGET, "wb", mtime=0) as raw,
        io.TextIOWrapper(raw, encoding="ascii", newline="") as handle,
    ):
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("zip", "lat", "lon", "state"))
        writer.writerows(rows)
    print(f"wrote {len(rows)} ZIP centroids to {TARGET}")


if __name__ == "__main__":
    main()
