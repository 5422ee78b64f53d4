#!/usr/bin/env python3
"""Where a language model would choose a Gigawatt nation's orders (docs/protocol.md).

Play it:  gigawatt play --agent chn="exec(command: \"python3 agents/examples/language_model.py\", turn_ms: 30000)"

Each month the observation becomes a short briefing, the briefing goes to a model (`ask_model`,
stubbed here: no network), and the model's answer must be a JSON list of orders in the protocol's
shape. An answer that does not parse, or names an order the protocol does not have, is replaced by
no orders for the month rather than sent on (the engine would reject it anyway, and a malformed
line would make the agent a fault). Give the model a per-turn budget with `exec(..., turn_ms: N)`:
an agent that does not answer in time is a fault and `status-quo` plays on.
"""

import json
import sys

ORDER_KINDS = {
    "BuildPlant", "BuildDatacenter", "OrderChips", "FundResearch", "SetPolicy", "SetComputeSplit",
    "ExpandGrid",
}


def briefing(scenario, obs):
    """What the model reads: the numbers a minister would want, in plain words."""
    own = obs["own"]
    rival = obs["rivals"][0] if obs["rivals"] else None
    lines = [
        f"You run {scenario['nations'][obs['nation']]['name']}'s AI industrial policy.",
        f"Month {obs['month']} ({obs['year']}-{obs['month_of_year']:02d}) of {obs['months_total']}.",
        f"Treasury: {own['treasury_usd']:.3g} USD; spare power: {own['spare_supply_mw']:.0f} MW.",
        f"Best capability: {max((lab['capability'] for lab in obs['labs']), default=0):.2f}.",
    ]
    if rival:
        lines.append(f"Rival best capability: {rival['best_capability']:.2f}.")
    lines.append("Answer with a JSON list of orders, e.g. "
                 '[{"FundResearch": {"lab": 0, "usd": 1e9}}].')
    return "\n".join(lines)


def ask_model(prompt, obs):
    """Call your model here (an HTTP client, a local model, ...). This stub, so the example runs
    without a network, answers as a cautious model might: fund the first lab's research with a
    twentieth of the treasury."""
    del prompt
    lab = obs["labs"][0]["index"] if obs["labs"] else 0
    usd = max(obs["own"]["treasury_usd"], 0.0) * 0.05
    return json.dumps([{"FundResearch": {"lab": lab, "usd": usd}}])


def parse_orders(answer):
    """The model's answer as orders, or no orders if it is not a list of known one-key objects."""
    try:
        orders = json.loads(answer)
    except json.JSONDecodeError:
        return []
    if not isinstance(orders, list):
        return []
    ok = all(isinstance(o, dict) and len(o) == 1 and next(iter(o)) in ORDER_KINDS for o in orders)
    return orders if ok else []


def main():
    scenario = None
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "hello":
            scenario = message["scenario"]
        elif message["type"] == "observation":
            obs = message["observation"]
            orders = parse_orders(ask_model(briefing(scenario, obs), obs))
            print(json.dumps({"type": "orders", "orders": orders}), flush=True)


if __name__ == "__main__":
    main()
