/**
 * Zoned block devices: the drive's zone state machine ({@link io.stacksim.devices.zoned.ZoneState},
 * ZBC/ZAC and NVMe ZNS rules), the device that enforces it in front of a flash or disk model
 * ({@link io.stacksim.devices.zoned.ZonedDevice}), and the two profile kinds, a ZNS NVMe SSD and a
 * host-managed SMR disk ({@link io.stacksim.devices.zoned.ZonedProfile}).
 */
package io.stacksim.devices.zoned;
