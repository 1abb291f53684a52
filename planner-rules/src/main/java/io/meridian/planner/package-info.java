/**
 * Meridian's planner programs and rules. Rules are Calcite {@code RelRule}s with immutable configs, exposed as
 * documented singletons in one registry class; programs decide which rules run in which phase.
 */
package io.meridian.planner;
