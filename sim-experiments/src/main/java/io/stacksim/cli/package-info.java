/**
 * The {@code stacksim} command (picocli): run, fio, replay, sweep, experiment, validate,
 * profiles, multiplex, merge, config-reference.
 *
 * <p>Contract: bad input prints one line naming the file, line and what was expected, and exits
 * 2. Entry point: {@link io.stacksim.cli.Main}.
 */
package io.stacksim.cli;
