"""A PettingZoo ``ParallelEnv``: one agent per nation, a month per step.

    from gigawatt.env import parallel_env
    env = parallel_env(scenario="us-china-2025", seed=0)
    observations, infos = env.reset(seed=42)
    while env.agents:
        actions = {a: env.action_space(a).sample() for a in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)

Observation: a float32 vector of ``FEATURES`` (below), scaled to order one; the full observation
(the dict of docs/protocol.md) is in ``infos[agent]["observation"]``. Action: ``Discrete`` over
``ACTIONS``, each a rule that turns the month's observation into orders (a share of the treasury
on chips, a datacenter, gas turbines, research, grid, deregulation or export controls); an agent
that needs finer control plays through ``gigawatt.Game`` and gives orders itself. Reward: 0 each
month and the nation's score at the end (in [0, 1]; 1 for reaching superintelligence first, else a
logistic of the capability gap; the two nations' scores sum to 1). The game terminates when a lab
reaches superintelligence and is truncated at the horizon. ``reset(seed)`` is deterministic.
"""

import functools
import math

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from . import DEFAULT_SCENARIO, PLANT_KINDS, Game

FEATURES = (
    "month_fraction",
    "log10_treasury_usd",
    "log10_inflow_month_usd",
    "spare_supply_gw",
    "datacenter_powered_fraction",
    "queue_wait_years",
    "log10_chips_available_h100e",
    "chip_price_usd_per_h100e_1e5",
    "log10_h100e",
    "best_capability_1e2",
    "rival_best_capability_1e2",
    "fleet_tw",
)

ACTIONS = (
    "nothing",
    "chips",
    "datacenter",
    "gas",
    "research",
    "grid",
    "deregulate",
    "export_controls",
)

# Shares of the treasury the actions spend.
CHIP_SHARE = 0.5
DATACENTER_SHARE = 0.2
GAS_SHARE = 0.2
RESEARCH_SHARE = 0.1
GRID_SHARE = 0.1


def parallel_env(scenario=DEFAULT_SCENARIO, seed=0, months=None, render_mode=None):
    """The environment: ``scenario`` (an embedded name or a file), the default ``seed`` of
    ``reset()``, and the game's length (``months``; default the scenario's horizon)."""
    return GigawattParallelEnv(scenario=scenario, seed=seed, months=months, render_mode=render_mode)


def _log10(x):
    return math.log10(max(float(x), 0.0) + 1.0)


def features(obs):
    """The observation dict as the environment's float32 vector."""
    own = obs["own"]
    labs = obs["labs"]
    rivals = obs["rivals"]
    vector = [
        obs["month"] / max(obs["months_total"], 1),
        _log10(own["treasury_usd"]),
        _log10(own["inflow_month_usd"]),
        own["spare_supply_mw"] / 1e3,
        own["datacenter_powered_fraction"],
        own["queue_wait_months"] / 12.0,
        _log10(own["chips_available_h100e"]),
        own["chip_price_usd_per_h100e"] / 1e5,
        _log10(sum(lab["h100e"] for lab in labs)),
        max((lab["capability"] for lab in labs), default=0.0) / 100.0,
        max((r["best_capability"] for r in rivals), default=0.0) / 100.0,
        sum(own["fleet_mw"]) / 1e6,
    ]
    return np.nan_to_num(np.asarray(vector, dtype=np.float32), posinf=1e6, neginf=-1e6)


def orders_for(action, obs, scenario):
    """The orders an action stands for this month."""
    name = ACTIONS[int(action)]
    own = obs["own"]
    money = max(own["treasury_usd"], 0.0)
    labs = obs["labs"]
    nation = scenario["nations"][obs["nation"]]
    if name == "chips" and labs:
        price = own["chip_price_usd_per_h100e"]
        budget = min(money * CHIP_SHARE, own["chips_available_h100e"] * price)
        shares = sum(lab["national_share"] for lab in labs) or 1.0
        return [
            {"OrderChips": {"lab": lab["index"], "h100e": budget * lab["national_share"] / shares / price}}
            for lab in labs
            if budget * lab["national_share"] / shares / price >= 1.0
        ]
    if name == "datacenter" and labs:
        it_mw = money * DATACENTER_SHARE / scenario["global"]["datacenter_capex_usd_per_mw"]
        if it_mw >= 1.0:
            return [{"BuildDatacenter": {"lab": labs[0]["index"], "it_mw": it_mw, "supply": "Grid"}}]
    if name == "gas":
        per_mw = nation["plants"]["gas_turbine"]["capex_usd_per_kw"] * 1000.0
        left = own["starts_left_mw"][PLANT_KINDS.index("gas_turbine")]
        mw = min(money * GAS_SHARE / per_mw, left)
        if mw >= 1.0:
            return [{"BuildPlant": {"kind": "gas_turbine", "capacity_mw": mw, "dedicated_to": None}}]
    if name == "research" and labs:
        usd = money * RESEARCH_SHARE
        if usd > 0.0:
            return [{"FundResearch": {"lab": labs[0]["index"], "usd": usd}}]
    if name == "grid":
        mw = money * GRID_SHARE / scenario["policies"]["grid_expansion_capex_usd_per_mw_month"]
        if mw >= 1.0:
            return [{"ExpandGrid": {"mw_per_month": mw}}]
    if name == "deregulate":
        return [{"SetPolicy": {"RegulationLevel": 0.0}}]
    if name == "export_controls":
        return [
            {"SetPolicy": {"ExportControls": {"target": r["id"], "imposed": True}}}
            for r in obs["rivals"]
        ]
    return []


class GigawattParallelEnv(ParallelEnv):
    metadata = {"render_modes": [], "name": "gigawatt_v0", "is_parallelizable": True}

    def __init__(self, scenario=DEFAULT_SCENARIO, seed=0, months=None, render_mode=None):
        self.scenario_name = scenario
        self.default_seed = seed
        self.months = months
        self.render_mode = render_mode
        # A first game names the nations and holds the scenario the actions price orders with.
        probe = Game(scenario, {}, seed=seed, months=1)
        self.possible_agents = list(probe.nations)
        self.scenario = probe.scenario()
        self.agents = []
        self._game = None
        self._observations = {}

    @functools.lru_cache(maxsize=None)
    def observation_space(self, agent):
        return spaces.Box(low=-np.inf, high=np.inf, shape=(len(FEATURES),), dtype=np.float32)

    @functools.lru_cache(maxsize=None)
    def action_space(self, agent):
        return spaces.Discrete(len(ACTIONS))

    def _observe(self):
        self._observations = {a: self._game.observation(a) for a in self.agents}
        observations = {a: features(o) for a, o in self._observations.items()}
        infos = {a: {"observation": o} for a, o in self._observations.items()}
        return observations, infos

    def reset(self, seed=None, options=None):
        seed = self.default_seed if seed is None else int(seed)
        months = (options or {}).get("months", self.months)
        self._game = Game(
            self.scenario_name, {a: None for a in self.possible_agents}, seed=seed, months=months
        )
        self.agents = list(self.possible_agents)
        return self._observe()

    def step(self, actions):
        if not self.agents:
            return {}, {}, {}, {}, {}
        orders = {
            a: orders_for(actions[a], self._observations[a], self.scenario)
            for a in self.agents
            if a in actions
        }
        self._game.step(orders)
        if not self._game.is_over():
            observations, infos = self._observe()
            zero = {a: 0.0 for a in self.agents}
            no = {a: False for a in self.agents}
            return observations, zero, no, dict(no), infos
        outcome = self._game.outcome()
        scores = {n["id"]: float(n["score"]) for n in outcome["nations"]}
        finished = outcome["decided_by"] == "superintelligence"
        observations, infos = self._observe()
        for a in self.agents:
            infos[a]["outcome"] = outcome
        rewards = {a: scores[a] for a in self.agents}
        terminations = {a: finished for a in self.agents}
        truncations = {a: not finished for a in self.agents}
        self.agents = []
        return observations, rewards, terminations, truncations, infos

    def render(self):
        return None

    def close(self):
        self._game = None
