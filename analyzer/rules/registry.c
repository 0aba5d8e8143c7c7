/*
 * registry.c - the table of static rules. One entry per rule, one file per rule
 * in this directory; the ids match rules/catalogue.json.
 */
#include "rules.h"

const rc_rule_entry_t rc_static_rules[] = {
    {"race.unprotected-rmw", rc_rule_unprotected_rmw},
};

const size_t rc_static_nrules = sizeof rc_static_rules / sizeof rc_static_rules[0];
