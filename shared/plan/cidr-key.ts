import type { Cidr } from '../lab/addresses.ts'

/** `address/prefix` with the address in canonical form, as `ip -j addr` reports it. */
export const cidrKey = (cidr: Cidr): string => `${cidr.address}/${cidr.prefix}`
