import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.ts';
import { createCustomerKey, createEncryptedLogGroup } from './constructs/customer-key.ts';
import { areaEntry, GenascopeFunction, type DatabaseBinding } from './constructs/genascope-function.ts';

/** Aurora PostgreSQL major 17 (local mode runs PostgreSQL 17 too); minor upgrades are applied automatically. */
export const AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_17_9;
export const DATABASE_NAME = 'genascope';
export const DATABASE_ADMIN_USER = 'genascope_admin';
export const DATABASE_PORT = 5432;

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  /** Where `migrate/handler.ts` lives. @default the repository's functions/ */
  readonly functionsDir?: string;
}

/**
 * PHI at rest: a customer KMS key, the Aurora PostgreSQL Serverless v2 cluster (Data API, encrypted, deletion
 * protection, backups, IAM auth, log export) in isolated subnets, its credentials secret with rotation, and the
 * deploy-time migration trigger (a failing migration fails the deployment, before the API stack updates).
 */
export class DataStack extends Stack {
  readonly key: kms.Key;
  readonly vpc: ec2.Vpc;
  readonly cluster: rds.DatabaseCluster;
  readonly secret: secretsmanager.ISecret;
  readonly database: DatabaseBinding;
  readonly migrationFunction: GenascopeFunction;
  readonly migrationTrigger: triggers.Trigger;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.key = createCustomerKey(this, 'DataKey', {
      alias: `alias/genascope/${config.stage}/data`,
      description: `Genascope ${config.stage}: database storage, credentials secret, database and VPC logs`,
      allowCloudWatchLogs: true,
    });

    // Isolated subnets only: no route to the internet. Nothing but the cluster and the rotation Lambda live here.
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      restrictDefaultSecurityGroup: true,
    });
    const flowLogs = createEncryptedLogGroup(this, 'FlowLogsGroup', {
      encryptionKey: this.key,
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });
    // The delivery role's permissions sit in a customer-managed policy (no inline policy); the role is handed to
    // the flow log as immutable so that CDK does not add an inline one.
    const flowLogsRole = new iam.Role(this, 'FlowLogsRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com'),
      description: 'VPC flow logs delivery to their log group',
      managedPolicies: [
        new iam.ManagedPolicy(this, 'FlowLogsPolicy', {
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              resources: [flowLogs.logGroupArn],
            }),
          ],
        }),
      ],
    });
    this.vpc.addFlowLog('FlowLogs', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs, flowLogsRole.withoutPolicyUpdates()),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    const isolated: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    // Secret rotation runs in the VPC and must reach the Secrets Manager API without internet access.
    const secretsEndpoint = this.vpc.addInterfaceEndpoint('SecretsManagerEndpoint', {
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: isolated,
      privateDnsEnabled: true,
      // Only the rotation function may use it (allowed below), not the whole VPC CIDR.
      open: false,
    });

    const databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.vpc,
      description: 'Aurora cluster: no ingress except the secret rotation function',
      allowAllOutbound: false,
    });

    const clusterIdentifier = `genascope-${config.stage}`;
    // Created before the cluster so that RDS exports into an encrypted group with a retention.
    const postgresLogs = createEncryptedLogGroup(this, 'PostgresLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      encryptionKey: this.key,
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });

    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_POSTGRES_VERSION });
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      clusterIdentifier,
      defaultDatabaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_ADMIN_USER, {
        secretName: `genascope/${config.stage}/database-admin`,
        encryptionKey: this.key,
      }),
      writer: rds.ClusterInstance.serverlessV2('Writer', {
        autoMinorVersionUpgrade: true,
        publiclyAccessible: false,
        enablePerformanceInsights: true,
        performanceInsightEncryptionKey: this.key,
      }),
      readers: Array.from({ length: config.database.readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, {
          scaleWithWriter: true,
          autoMinorVersionUpgrade: true,
          publiclyAccessible: false,
          enablePerformanceInsights: true,
          performanceInsightEncryptionKey: this.key,
        }),
      ),
      serverlessV2MinCapacity: config.database.minCapacity,
      serverlessV2MaxCapacity: config.database.maxCapacity,
      port: DATABASE_PORT,
      vpc: this.vpc,
      vpcSubnets: isolated,
      securityGroups: [databaseSecurityGroup],
      enableDataApi: true,
      iamAuthentication: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      copyTagsToSnapshot: true,
      backup: { retention: config.database.backupRetention, preferredWindow: '03:00-04:00' },
      preferredMaintenanceWindow: 'Sun:04:30-Sun:05:30',
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      // TLS on every connection (the Data API and the rotation function both use TLS).
      parameters: { 'rds.force_ssl': '1' },
    });
    this.cluster.node.addDependency(postgresLogs);

    const secret = this.cluster.secret;
    if (!secret) throw new Error('DataStack: the cluster has no credentials secret');
    this.secret = secret;
    const rotation = secretsmanager.HostedRotation.postgreSqlSingleUser({
      vpc: this.vpc,
      vpcSubnets: isolated,
      functionName: `genascope-${config.stage}-db-secret-rotation`,
    });
    secret.addRotationSchedule('Rotation', {
      hostedRotation: rotation,
      automaticallyAfter: Duration.days(30),
    });
    this.cluster.connections.allowFrom(rotation, ec2.Port.tcp(DATABASE_PORT), 'Secret rotation function');
    secretsEndpoint.connections.allowDefaultPortFrom(rotation, 'Secret rotation function to Secrets Manager');

    this.database = { cluster: this.cluster, secret, secretKey: this.key, databaseName: DATABASE_NAME };

    // Deploy-time migrations: runs whenever the migration bundle (i.e. the migration list) changes.
    this.migrationFunction = new GenascopeFunction(this, 'MigrateFunction', {
      entry: areaEntry('migrate', props.functionsDir),
      description: `Genascope ${config.stage} database migrations (deploy-time trigger)`,
      logKey: this.key,
      logRetention: config.logRetention,
      logRemovalPolicy: config.logRemovalPolicy,
      timeout: Duration.minutes(10),
      // Two migrators must never run at once.
      reservedConcurrentExecutions: 1,
    }).bindDatabase(this.database);
    this.migrationTrigger = new triggers.Trigger(this, 'MigrateTrigger', {
      handler: this.migrationFunction,
      executeAfter: [this.cluster],
      executeOnHandlerChange: true,
      invocationType: triggers.InvocationType.REQUEST_RESPONSE,
      timeout: Duration.minutes(12),
    });

    new CfnOutput(this, 'ClusterArn', { value: this.cluster.clusterArn });
    new CfnOutput(this, 'SecretArn', { value: secret.secretArn });
  }
}
