"""The day's reminders as a flow: `ektp serve` runs it every day at EKTP_JAM_PENGINGAT (20:00 WITA).
What is sent, to whom, and what is recorded is flows/pengingat.py's."""

# No `from __future__ import annotations`: `ektp serve` hands this flow to its run processes
# pickled by value, and Prefect must still resolve the parameter types there (issue 5).

import logging
from datetime import date

from prefect import flow

from contract.settings import Settings
from flows import pengingat as reminders
from flows import steps

log = logging.getLogger(__name__)


@flow(name="pengingat", log_prints=False)
def pengingat(settings: Settings, tanggal: date | None = None, ulang: bool = False) -> dict:
    """Remind every district still missing kecamatan for `tanggal` (default: today, WITA)."""
    with steps.started(settings, "pengingat") as run:
        hasil = reminders.remind(run.settings, tanggal, ulang)
        log.info("%s", hasil.ringkas())
        if hasil.tanpa_tujuan:  # a district the round could not tell is the operator's to know
            log.warning(
                "tidak diingatkan, %s: %s",
                reminders.no_target(run.settings),
                ", ".join(k.kode_kabupaten for k in hasil.tanpa_tujuan),
            )
        return {
            "tanggal": hasil.tanggal.isoformat(),
            "terkirim": hasil.terkirim,
            "gagal": len(hasil.dicoba) - hasil.terkirim,
            "tanpa_tujuan": [k.kode_kabupaten for k in hasil.tanpa_tujuan],
            "dikunci": [k.kode_kabupaten for k in hasil.dikunci],
        }
