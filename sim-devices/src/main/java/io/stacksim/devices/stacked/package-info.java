/**
 * What bio-based stacking drivers share (md_submit_bio and dm_submit_bio): a device with no
 * request queue of its own that splits each bio at its boundaries, accounts the pieces in its
 * diskstats and remaps them onto member block targets, ending the bio when its member bios
 * have ended. Start at {@link io.stacksim.devices.stacked.BioBasedDevice}; {@link
 * io.stacksim.devices.stacked.BioChain} is bio_chain.
 */
package io.stacksim.devices.stacked;
