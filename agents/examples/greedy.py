#!/usr/bin/env python3
"""A Gigawatt agent in Python over the JSON-lines protocol (docs/protocol.md).

Play it:  gigawatt play --agent chn="exec:python3 agents/examples/greedy.py"

Greedy: every month it spends a share of the treasury on chips for its own labs, split by each
lab's national share, and every quarter it orders a grid datacenter for the chips it has waiting.
Only the standard library: json in, json out, one line each way.
"""

import json
import sys

CHIP_SHARE = 0.5  # of the treasury, each month
DATACENTER_SHARE = 0.2  # of the treasury, each quarter


def decide(scenario, obs):
    own = obs["own"]
    money = max(own["treasury_usd"], 0.0)
    price = own["chip_price_usd_per_h100e"]
    orders = []
    labs = obs["labs"]
    share_sum = sum(lab["national_share"] for lab in labs) or 1.0
    budget = min(money * CHIP_SHARE, own["chips_available_h100e"] * price)
    for lab in labs:
        h100e = budget * lab["national_share"] / share_sum / price
        if h100e >= 1.0:
            orders.append({"OrderChips": {"lab": lab["index"], "h100e": h100e}})
    if obs["month"] % 3 == 0 and labs:
        per_mw = scenario["global"]["datacenter_capex_usd_per_mw"]
        it_mw = money * DATACENTER_SHARE / per_mw
        if it_mw >= 1.0:
            orders.append(
                {"BuildDatacenter": {"lab": labs[0]["index"], "it_mw": it_mw, "supply": "Grid"}}
            )
    return orders


def main():
    scenario = None
    for line in sys.stdin:
        message = json.loads(line)
        kind = message["type"]
        if kind == "hello":
            if message["protocol"] != 1:
                sys.exit(f"protocol {message['protocol']} is not the one this agent speaks (1)")
            scenario = message["scenario"]
        elif kind == "observation":
            orders = decide(scenario, message["observation"])
            print(json.dumps({"type": "orders", "orders": orders}), flush=True)
        elif kind == "outcome":
            outcome = message["outcome"]
            print(f"game over: winner {outcome['winner']}", file=sys.stderr)


if __name__ == "__main__":
    main()
