/*
 * registry.c - the table of static rules. One entry per rule, one file per rule
 * in this directory; the ids match rules/catalogue.json.
 */
#include "rules.h"

const rc_rule_entry_t rc_static_rules[] = {
    {"race.unprotected-rmw", rc_rule_unprotected_rmw},
    {"lock.order-inversion", rc_rule_order_inversion},
    {"lock.leak", rc_rule_lock_leak},
    {"api.mt-unsafe-call", rc_rule_mt_unsafe_call},
    {"cond.wait-not-in-loop", rc_rule_cond_wait_loop},
    {"signal.unsafe-call", rc_rule_signal_unsafe_call},
};

const size_t rc_static_nrules = sizeof rc_static_rules / sizeof rc_static_rules[0];
