/*
 * registry.c - the table of static rules. One entry per rule, one file per rule
 * in this directory; the ids match rules/catalogue.json.
 */
#include "rules.h"

const rc_rule_entry_t rc_static_rules[] = {
    {"race.unprotected-rmw", rc_rule_unprotected_rmw},
    {"race.write-write", rc_rule_race_write_write},
    {"race.read-write", rc_rule_race_read_write},
    {"race.check-then-act", rc_rule_race_check_then_act},
    {"lock.order-inversion", rc_rule_order_inversion},
    {"lock.leak", rc_rule_lock_leak},
    {"lock.double-lock", rc_rule_lock_double},
    {"lock.unlock-not-held", rc_rule_lock_unlock_unheld},
    {"api.mt-unsafe-call", rc_rule_mt_unsafe_call},
    {"cond.wait-not-in-loop", rc_rule_cond_wait_loop},
    {"signal.unsafe-call", rc_rule_signal_unsafe_call},
    {"signal.shared-state", rc_rule_signal_shared_state},
    {"coop.stale-across-yield", rc_rule_coop_stale_across_yield},
    {"proc.lost-update", rc_rule_proc_lost_update},
    {"proc.shm-race", rc_rule_proc_shm_race},
    {"proc.mutex-not-pshared", rc_rule_proc_mutex_not_pshared},
    {"proc.fork-in-threads", rc_rule_proc_fork_in_threads},
};

const size_t rc_static_nrules = sizeof rc_static_rules / sizeof rc_static_rules[0];
