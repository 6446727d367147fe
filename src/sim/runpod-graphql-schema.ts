// The part of RunPod's public GraphQL schema the simulator serves (https://graphql-spec.runpod.io/,
// docs/providers.md §2.2–2.5, 2.7), in RunPod's type names. graphql-js validates every request against
// it, so an unknown field, a missing required input or a value of the wrong type is refused in the
// words of the real server (HTTP 200 with errors[], §2.1, §6.8).
import { buildSchema } from 'graphql';

/** What on-demand and spot deploys both take; a spot deploy adds its bid. */
const DEPLOY_INPUT_FIELDS = `
    name: String
    imageName: String
    gpuTypeId: String
    gpuCount: Int
    cloudType: CloudTypeEnum
    containerDiskInGb: Int
    volumeInGb: Int
    volumeMountPath: String
    minVcpuCount: Int
    minMemoryInGb: Int
    dockerArgs: String
    ports: String
    env: [EnvironmentVariableInput]
    templateId: String
    networkVolumeId: String
    dataCenterId: String
    countryCode: String
    supportPublicIp: Boolean
    startSsh: Boolean
    startJupyter: Boolean
    allowedCudaVersions: [String]
    minCudaVersion: String
    cudaVersion: String
    minDownload: Int
    minUpload: Int
    containerRegistryAuthId: String
    deployCost: Float
    stopAfter: String
    terminateAfter: String
`;

export const RUNPOD_SCHEMA = buildSchema(/* GraphQL */ `
  scalar Void

  enum CloudTypeEnum { SECURE COMMUNITY ALL }
  enum PodStatus { CREATED RUNNING RESTARTING EXITED PAUSED DEAD TERMINATED }
  enum PodType { INTERRUPTABLE RESERVED BID BACKGROUND }

  type Query {
    myself: User
    pod(input: PodFilter): Pod
    gpuTypes(input: GpuTypeFilter): [GpuType]
    countryCodes: [String]
    dataCenters: [DataCenter]
  }

  type Mutation {
    podFindAndDeployOnDemand(input: PodFindAndDeployOnDemandInput): Pod
    podRentInterruptable(input: PodRentInterruptableInput): Pod
    podStop(input: PodStopInput): Pod
    podResume(input: PodResumeInput): Pod
    podBidResume(input: PodBidResumeInput): Pod
    podTerminate(input: PodTerminateInput): Void
  }

  type User {
    id: String
    email: String
    clientBalance: Float
    currentSpendPerHr: Float
    spendLimit: Int
    pods: [Pod]
  }

  type GpuType {
    id: String
    displayName: String
    manufacturer: String
    memoryInGb: Int
    cudaCores: Int
    secureCloud: Boolean
    communityCloud: Boolean
    maxGpuCount: Int
    maxGpuCountSecureCloud: Int
    maxGpuCountCommunityCloud: Int
    minPodGpuCount: Int
    securePrice: Float
    communityPrice: Float
    secureSpotPrice: Float
    communitySpotPrice: Float
    oneWeekPrice: Float
    oneMonthPrice: Float
    threeMonthPrice: Float
    sixMonthPrice: Float
    clusterPrice: Float
    nodeGroupDatacenters: [DataCenter]
    lowestPrice(input: GpuLowestPriceInput): LowestPrice
  }

  type LowestPrice {
    gpuName: String
    gpuTypeId: String
    minimumBidPrice: Float
    uninterruptablePrice: Float
    minVcpu: Float
    minMemory: Float
    stockStatus: String
    maxUnreservedGpuCount: Int
    availableGpuCounts: [Int]
    compliance: [String]
    countryCode: String
    gpuTypeCudaVersions: [String]
  }

  type DataCenter {
    id: String
    name: String
    listed: Boolean
    location: String
    gpuAvailability: [GpuAvailability]
  }

  type GpuAvailability {
    gpuTypeId: String
    displayName: String
    stockStatus: String
  }

  type Pod {
    id: String
    name: String
    desiredStatus: PodStatus
    lastStatusChange: String
    imageName: String
    gpuCount: Int
    vcpuCount: Float
    memoryInGb: Float
    containerDiskInGb: Int
    volumeInGb: Float
    volumeMountPath: String
    costPerHr: Float
    adjustedCostPerHr: Float
    podType: PodType
    ports: String
    env: [String]
    dockerArgs: String
    dockerId: String
    machineId: String
    templateId: String
    locked: Boolean
    uptimeSeconds: Int
    machine: PodMachineInfo
    runtime: PodRuntime
  }

  type PodMachineInfo {
    gpuDisplayName: String
    gpuTypeId: String
    location: String
    dataCenterId: String
    podHostId: String
    secureCloud: Boolean
  }

  type PodRuntime {
    uptimeInSeconds: Int
    ports: [PodRuntimePorts]
    gpus: [PodRuntimeGpus]
    container: PodRuntimeContainer
  }

  type PodRuntimePorts {
    ip: String
    isIpPublic: Boolean
    privatePort: Int
    publicPort: Int
    type: String
  }

  type PodRuntimeGpus {
    id: String
    gpuUtilPercent: Float
    memoryUtilPercent: Float
  }

  type PodRuntimeContainer {
    cpuPercent: Float
    memoryPercent: Float
  }

  input PodFilter { podId: String! }
  input GpuTypeFilter { id: String, ids: [String] }
  input EnvironmentVariableInput { key: String!, value: String }

  input GpuLowestPriceInput {
    gpuCount: Int
    secureCloud: Boolean
    dataCenterId: String
    countryCode: String
    minCudaVersion: String
    cudaVersion: String
    allowedCudaVersions: [String]
    minDisk: Int
    minDownload: Int
    minUpload: Int
    minMemoryInGb: Int
    minVcpuCount: Int
    supportPublicIp: Boolean
    totalDisk: Int
    includeAiApi: Boolean
  }

  input PodFindAndDeployOnDemandInput {
${DEPLOY_INPUT_FIELDS}  }

  input PodRentInterruptableInput {
    bidPerGpu: Float!
${DEPLOY_INPUT_FIELDS}  }

  input PodStopInput { podId: String!, incrementVersion: Boolean }
  input PodResumeInput { podId: String!, gpuCount: Int }
  input PodBidResumeInput { podId: String!, bidPerGpu: Float!, gpuCount: Int }
  input PodTerminateInput { podId: String! }
`);
