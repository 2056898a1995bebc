// What discovery found on a server, before it is merged with models.yaml (merge-models.ts).

/** One model group as a server serves it. */
export interface DiscoveredModel {
  /** Group name: what a request sends as `model`. */
  name: string
  /** Upstream `<provider>/<model>` of each deployment (LiteLLM `litellm_params.model`), distinct, in order. */
  providerModels: string[]
  /** Upstream URLs of the deployments, distinct, with userinfo and credential query values masked. */
  apiBases: string[]
  /** Deployments behind the name; 0 when the endpoint does not say (LiteLLM `/v1/models`). */
  deploymentCount: number
  source: 'proxy API' | 'server'
  /** LiteLLM deployment ids (`model_info.id`), as `x-litellm-model-id` reports them. */
  modelIds: string[]
}

export interface DiscoveryResult {
  models: DiscoveredModel[]
  /** Things the user should know: skipped wildcards, a fallback endpoint, ... */
  notes: string[]
  /** The URL that produced `models`. */
  endpoint: string
}
