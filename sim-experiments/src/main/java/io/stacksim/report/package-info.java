/**
 * Reports: fio's output formats (normal, json, json+, terse), the text summary, charts (PNG and
 * SVG) and the HTML/Markdown sweep reports.
 *
 * <p>Contract: reports read results, never run simulations. Entry point:
 * {@link io.stacksim.report.SweepReport}.
 */
package io.stacksim.report;
