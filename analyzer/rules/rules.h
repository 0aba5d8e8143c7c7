/*
 * rules.h - the check function of every static rule. Each is defined in its own
 * file in this directory and listed once in registry.c.
 *
 * Contract: a check reads the linked program, appends its findings (source
 * RC_SRC_STATIC, strings owned by the findings) to out in any order (the caller
 * sorts), and returns RC_OK or an RC_E* code with err set.
 */
#ifndef RC_ANALYZER_RULES_H
#define RC_ANALYZER_RULES_H

#include "../internal.h"

int rc_rule_unprotected_rmw(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_lock_leak(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_mt_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_cond_wait_loop(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_signal_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);
int rc_rule_order_inversion(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);

#endif /* RC_ANALYZER_RULES_H */
