"""The appservice as its own process for bench/bench_sustained.py, so the bench can kill -9 it:
the dev stack's samsnakk.yaml plus an SMS channel at the bench's fake LINK Mobility, and the
varsel policy with throttling off (every message is a varsel) and quiet hours half a day away.

    python bench/sustained_app.py CONFIG SMS_BASE_URL
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bridge.channels.sms_linkmobility import LinkMobilityConfig
from samsnakk_bot.app import SamsnakkApp, configure_logging
from samsnakk_bot.config import VarselConfig, load_config
from samsnakk_bot.policies import Policies, load_policies
from samsnakk_bot.signals import wait_for_signal

SMS_USER, SMS_PASSWORD = "bench", "benchpassord"


def bench_policies(policies_dir: Path) -> Policies:
    base = load_policies(policies_dir)
    hour = datetime.now(UTC).astimezone(ZoneInfo("Europe/Oslo")).hour
    varsler = base.policy.varsler.model_copy(
        update={
            "throttle_period": timedelta(0),
            "quiet_start": (hour + 12) % 24,
            "quiet_end": (hour + 13) % 24,
        }
    )
    return base.model_copy(update={"policy": base.policy.model_copy(update={"varsler": varsler})})


async def main(config: Path, sms_url: str, dlr_secret: str) -> int:
    cfg = load_config(config)
    cfg = cfg.model_copy(
        update={
            "varsler": VarselConfig(
                sms=LinkMobilityConfig(
                    base_url=sms_url,
                    username=SMS_USER,
                    password=SMS_PASSWORD,
                    platform_id="fake-platform",
                    platform_partner_id="fake-partner",
                    gate_id="bench-gate",
                ),
                dlr_secret=dlr_secret,
            )
        }
    )
    configure_logging(cfg.logging.level)
    app = SamsnakkApp(cfg, policies=bench_policies(cfg.policies_dir))
    await app.start()
    print("ready", flush=True)
    await wait_for_signal()
    await app.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3])))
