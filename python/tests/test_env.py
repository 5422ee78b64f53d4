"""The PettingZoo environment passes PettingZoo's own API and seed tests, and plays whole games."""

import numpy as np
from pettingzoo.test import parallel_api_test, parallel_seed_test

from gigawatt.env import ACTIONS, FEATURES, parallel_env


def test_pettingzoo_parallel_api_test():
    parallel_api_test(parallel_env(months=24), num_cycles=30)


def test_pettingzoo_parallel_seed_test():
    parallel_seed_test(lambda: parallel_env(months=24), num_cycles=30)


def test_a_whole_game_ends_with_the_scores_as_rewards():
    env = parallel_env()
    observations, infos = env.reset(seed=3)
    assert set(observations) == {"usa", "chn"}
    assert observations["usa"].shape == (len(FEATURES),)
    assert observations["usa"].dtype == np.float32
    assert infos["usa"]["observation"]["nation_id"] == "usa"
    total = {a: 0.0 for a in env.possible_agents}
    steps = 0
    while env.agents:
        actions = {a: ACTIONS.index("chips") for a in env.agents}
        observations, rewards, terminations, truncations, infos = env.step(actions)
        for a, r in rewards.items():
            total[a] += r
        steps += 1
    assert 0 < steps <= 120
    # The nations' scores sum to one, and come only at the end.
    assert abs(sum(total.values()) - 1.0) < 1e-9
    outcome = infos["usa"]["outcome"]
    assert outcome["months_played"] == steps
    assert all(terminations.values()) == (outcome["decided_by"] == "superintelligence")
    assert all(truncations.values()) != all(terminations.values())


def test_the_same_seed_plays_the_same_game():
    def play(seed):
        env = parallel_env(months=36)
        env.reset(seed=seed)
        log = []
        i = 0
        while env.agents:
            actions = {a: (i + k) % len(ACTIONS) for k, a in enumerate(env.agents)}
            observations, rewards, *_ = env.step(actions)
            log.append((sorted((a, o.tobytes()) for a, o in observations.items()), sorted(rewards.items())))
            i += 1
        return log

    # (Another seed moves only construction overruns, so it need not change a short game.)
    assert play(5) == play(5)


def test_actions_turn_into_orders_the_engine_accepts():
    env = parallel_env(months=13)
    env.reset(seed=1)
    for action in range(len(ACTIONS)):
        env.step({a: action for a in env.agents})
    # Rejected orders are reported back with their reasons; the rules accept these.
    seen = env._game.observation("usa")
    assert seen["rejected"] == [], seen["rejected"]
