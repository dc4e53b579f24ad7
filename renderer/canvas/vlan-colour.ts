// The VLAN palette lives in shared/ so that exported pictures use the very colours the canvas does.
export * from '../../shared/picture/vlan-colour.ts'
