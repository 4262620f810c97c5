/**
 * Configuration: a YAML (or {@code --set}) document as a tree that remembers file and line
 * ({@link io.stacksim.config.ConfigNode}), units ({@link io.stacksim.config.Units}), and the
 * tunables components declare once ({@link io.stacksim.config.Tunable}, grouped in a
 * {@link io.stacksim.config.ConfigSection}) from which docs/config.md is generated
 * ({@link io.stacksim.config.ConfigReference}).
 *
 * <p>Contract: bad input is a {@link io.stacksim.config.ConfigException} with one line naming the
 * file, line and what was expected; a key nobody read is reported by
 * {@link io.stacksim.config.ConfigNode#checkAllUsed()} with a "did you mean". Entry points:
 * {@link io.stacksim.config.ConfigNode}, {@link io.stacksim.config.Tunable}.
 */
package io.stacksim.config;
