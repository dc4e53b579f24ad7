/** The container engine as the engine needs it; DockerApi (docker-api.ts) is the real one. */
export interface ContainerState {
  readonly id: string
  readonly name: string
  /** 0 when not running. */
  readonly pid: number
  readonly running: boolean
  readonly labels: Readonly<Record<string, string>>
}

export interface ContainerRuntime {
  inspect(name: string): Promise<ContainerState | null>
  list(labels: Record<string, string>): Promise<
    readonly {
      readonly id: string
      readonly name: string
      readonly labels: Readonly<Record<string, string>>
    }[]
  >
  create(spec: {
    name: string
    image: string
    command?: string[]
    labels: Record<string, string>
  }): Promise<string>
  start(name: string): Promise<void>
  remove(name: string): Promise<void>
}
