// Routes read from the server working tree that openapi.json does not document yet (scratch preview of
// the route files). Each one moves to openapi.gen.ts when the server regenerates openapi.json.

/** Every documented operation: path and query parameters, JSON body and 2xx JSON response. */
export interface PendingPaths {
  "/api/v1/app-connections": {
    get: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: never;
      response: {
        appConnections: Array<{
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets": {
    get: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: never;
      response: {
        appConnections: Array<{
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
    post: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        name: string;
        description?: string | null;
        method: "client-secret";
        credentials: {
          tenantId: string;
          clientId: string;
          clientSecret: string;
        };
      } | {
        name: string;
        description?: string | null;
        method: "certificate";
        credentials: {
          tenantId: string;
          clientId: string;
          certificateBody: string;
          privateKey: string;
        };
      } | {
        name: string;
        description?: string | null;
        method: "oauth";
        credentials: {
          tenantId: string;
          code: string;
          state: string;
        };
      };
      response: {
        appConnection: {
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets/available": {
    get: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: never;
      response: {
        appConnections: Array<{
          id: string;
          name: string;
          app: "azure-client-secrets";
          orgId: string;
        }>;
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets/connection-name/{connectionName}": {
    get: {
      path: {
        connectionName: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        appConnection: {
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets/oauth/authorize-url": {
    get: {
      path: Record<string, never>;
      query: {
        tenantId: string;
      };
      body: never;
      response: {
        url: string;
        state: string;
        redirectUri: string;
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets/{connectionId}": {
    get: {
      path: {
        connectionId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        appConnection: {
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
    patch: {
      path: {
        connectionId: string;
      };
      query: Record<string, never>;
      body: {
        name?: string;
        description?: string | null;
        method?: "client-secret" | "certificate" | "oauth";
        credentials?: {
          tenantId: string;
          clientId: string;
          clientSecret: string;
        } | {
          tenantId: string;
          clientId: string;
          certificateBody: string;
          privateKey: string;
        } | {
          tenantId: string;
          code: string;
          state: string;
        };
      };
      response: {
        appConnection: {
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
    delete: {
      path: {
        connectionId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        appConnection: {
          id: string;
          name: string;
          description: string | null;
          app: "azure-client-secrets";
          method: "client-secret" | "certificate" | "oauth";
          credentials: {
            tenantId: string;
            clientId?: string;
          };
          version: number;
          orgId: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/app-connections/azure-client-secrets/{connectionId}/clients": {
    get: {
      path: {
        connectionId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        clients: Array<{
          id: string;
          name: string;
          appId: string;
        }>;
      };
    };
  };
  "/api/v1/app-connections/options": {
    get: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: never;
      response: {
        appConnectionOptions: Array<{
          name: string;
          app: "azure-client-secrets";
          methods: Array<"client-secret" | "certificate" | "oauth">;
          oauthClientId: string | null;
        }>;
      };
    };
  };
  "/api/v1/folders": {
    get: {
      path: Record<string, never>;
      query: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        path?: string;
        recursive?: "0" | "1" | "true" | "false";
      };
      body: never;
      response: {
        folders: Array<{
          id: string;
          name: string;
          description: string | null;
          envId: string;
          environment: string;
          parentId: string | null;
          path: string;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
    post: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        name: string;
        path?: string;
        description?: string | null;
      };
      response: {
        folder: {
          id: string;
          name: string;
          description: string | null;
          envId: string;
          environment: string;
          parentId: string | null;
          path: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/folders/{folderIdOrName}": {
    delete: {
      path: {
        folderIdOrName: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        path?: string;
        force?: boolean;
      };
      response: {
        folder: {
          id: string;
          name: string;
          description: string | null;
          envId: string;
          environment: string;
          parentId: string | null;
          path: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/folders/{folderId}": {
    patch: {
      path: {
        folderId: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        name?: string;
        path?: string;
        description?: string | null;
      };
      response: {
        folder: {
          id: string;
          name: string;
          description: string | null;
          envId: string;
          environment: string;
          parentId: string | null;
          path: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/secret-imports": {
    get: {
      path: Record<string, never>;
      query: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        path?: string;
      };
      body: never;
      response: {
        message: string;
        secretImports: Array<{
          id: string;
          folderId: string;
          importPath: string;
          importEnv: {
            id: string;
            name: string;
            slug: string;
          };
          position: number;
          isReplication: boolean;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
    post: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        path?: string;
        import: {
          environment: string;
          path?: string;
        };
      };
      response: {
        message: string;
        secretImport: {
          id: string;
          folderId: string;
          importPath: string;
          importEnv: {
            id: string;
            name: string;
            slug: string;
          };
          position: number;
          isReplication: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/secret-imports/{secretImportId}": {
    delete: {
      path: {
        secretImportId: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        path?: string;
      };
      response: {
        message: string;
        secretImport: {
          id: string;
          folderId: string;
          importPath: string;
          importEnv: {
            id: string;
            name: string;
            slug: string;
          };
          position: number;
          isReplication: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/secret/{secretId}/secret-versions": {
    get: {
      path: {
        secretId: string;
      };
      query: {
        offset?: number;
        limit?: number;
      };
      body: never;
      response: {
        secretVersions: Array<{
          id: string;
          secretId: string;
          version: number;
          workspace: string;
          environment: string;
          secretPath: string;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretComment: string;
          change: "created" | "updated" | "restored" | "rotated";
          actor: {
            actorType: "user" | "identity" | "system";
            actorId: string;
            name: string | null;
          };
          createdAt: string;
        }>;
      };
    };
  };
  "/api/v1/secret/{secretId}/secret-versions/{version}/restore": {
    post: {
      path: {
        secretId: string;
        version: number;
      };
      query: Record<string, never>;
      body: never;
      response: {
        secret: {
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        };
      };
    };
  };
  "/api/v1/workspace/{projectId}/tags": {
    get: {
      path: {
        projectId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        workspaceTags: Array<{
          id: string;
          slug: string;
          name: string;
          color: string | null;
          workspace: string;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
    post: {
      path: {
        projectId: string;
      };
      query: Record<string, never>;
      body: {
        slug: string;
        name?: string;
        color?: string | null;
      };
      response: {
        workspaceTag: {
          id: string;
          slug: string;
          name: string;
          color: string | null;
          workspace: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v1/workspace/{projectId}/tags/{tagId}": {
    delete: {
      path: {
        projectId: string;
        tagId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        workspaceTag: {
          id: string;
          slug: string;
          name: string;
          color: string | null;
          workspace: string;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations": {
    get: {
      path: Record<string, never>;
      query: {
        projectId: string;
      };
      body: never;
      response: {
        secretRotations: Array<{
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret": {
    get: {
      path: Record<string, never>;
      query: {
        projectId: string;
      };
      body: never;
      response: {
        secretRotations: Array<{
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        }>;
      };
    };
    post: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        name: string;
        description?: string | null;
        connectionId: string;
        projectId: string;
        environment: string;
        secretPath?: string;
        isAutoRotationEnabled?: boolean;
        rotationInterval: number;
        rotateAtUtc?: {
          hours: number;
          minutes: number;
        };
        rotateAt?: {
          hours: number;
          minutes: number;
        };
        timeZone?: string;
        parameters: {
          objectId: string;
          clientId: string;
          appName?: string;
        };
        secretsMapping: {
          clientId: string;
          clientSecret: string;
        };
      };
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret/rotation-name/{rotationName}": {
    get: {
      path: {
        rotationName: string;
      };
      query: {
        projectId: string;
        environment: string;
        secretPath: string;
      };
      body: never;
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret/{rotationId}": {
    get: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
    patch: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: {
        name?: string;
        description?: string | null;
        isAutoRotationEnabled?: boolean;
        rotationInterval?: number;
        rotateAtUtc?: {
          hours: number;
          minutes: number;
        };
        rotateAt?: {
          hours: number;
          minutes: number;
        };
        timeZone?: string;
      };
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
    delete: {
      path: {
        rotationId: string;
      };
      query: {
        deleteSecrets?: "true" | "false";
        revokeGeneratedCredentials?: "true" | "false";
      };
      body: never;
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret/{rotationId}/check-credentials": {
    post: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        success: boolean;
        message: string;
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret/{rotationId}/generated-credentials": {
    get: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        rotationId: string;
        type: string;
        activeIndex: number;
        generatedCredentials: Array<{
          slot: number;
          isActive: boolean;
          expiresAt: string | null;
          credential: {
            [key: string]: unknown;
          };
        }>;
      };
    };
  };
  "/api/v2/secret-rotations/azure-client-secret/{rotationId}/rotate-secrets": {
    post: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations/options": {
    get: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: never;
      response: {
        secretRotationOptions: Array<{
          name: string;
          type: string;
          connection: string;
          template: {
            secretsMapping: {
              [key: string]: string;
            };
          };
        }>;
      };
    };
  };
  "/api/v2/secret-rotations/{rotationId}/history": {
    get: {
      path: {
        rotationId: string;
      };
      query: {
        offset?: number;
        limit?: number;
      };
      body: never;
      response: {
        totalCount: number;
        history: Array<{
          id: string;
          trigger: string;
          step: string;
          outcome: "success" | "failed" | "abandoned" | "in-progress";
          actor: {
            type: string;
            id: string;
          };
          keyId: string | null;
          replacedKeyId: string | null;
          message: string | null;
          failureCategory: string | null;
          verificationWaitMs: number | null;
          startedAt: string;
          issuedAt: string | null;
          verifiedAt: string | null;
          promotedAt: string | null;
          finishedAt: string | null;
        }>;
      };
    };
  };
  "/api/v2/secret-rotations/{rotationId}/preview": {
    get: {
      path: {
        rotationId: string;
      };
      query: {
        count?: number;
      };
      body: never;
      response: {
        rotationId: string;
        isAutoRotationEnabled: boolean;
        timeZone: string;
        nextRuns: Array<{
          utc: string;
          local: string;
        }>;
        nextRotation: {
          at: string | null;
          revokesKeyId: string | null;
          keepsKeyId: string | null;
          secretNames: string[];
          newCredentialEndDate: string;
        };
      };
    };
  };
  "/api/v2/secret-rotations/{rotationId}/rollback": {
    post: {
      path: {
        rotationId: string;
      };
      query: Record<string, never>;
      body: never;
      response: {
        secretRotation: {
          id: string;
          name: string;
          description: string | null;
          type: string;
          projectId: string;
          environment: {
            id: string;
            name: string;
            slug: string;
          };
          folder: {
            path: string;
          };
          secretPath: string;
          connectionId: string;
          connection: {
            id: string;
            name: string;
            app: string;
          };
          parameters: {
            [key: string]: unknown;
          };
          secretsMapping: {
            [key: string]: string;
          };
          isAutoRotationEnabled: boolean;
          rotationInterval: number;
          rotateAtUtc: {
            hours: number;
            minutes: number;
          };
          rotateAt: {
            hours: number;
            minutes: number;
            timeZone: string;
          };
          activeIndex: number;
          rotationStatus: "success" | "failed" | "rotating";
          lastRotatedAt: string | null;
          lastRotationAttemptedAt: string | null;
          nextRotationAt: string | null;
          lastRotationMessage: string | null;
          lastFailureCategory: string | null;
          isLastRotationManual: boolean;
          consecutiveFailures: number;
          attentionReason: string | null;
          needsAttention: boolean;
          createdAt: string;
          updatedAt: string;
        };
      };
    };
  };
  "/api/v3/secrets/batch/raw": {
    post: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        secrets: Array<{
          secretKey: string;
          secretValue: string;
          secretComment?: string;
          type?: "shared" | "personal";
          skipMultilineEncoding?: boolean;
          secretReminderNote?: string | null;
          secretReminderRepeatDays?: number | null;
          tagIds?: string[];
          metadata?: {
            [key: string]: string;
          } | null;
        }>;
      };
      response: {
        secrets: Array<{
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        }>;
      };
    };
    patch: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        mode?: "failOnNotFound" | "upsert";
        secrets: Array<{
          secretKey: string;
          newSecretName?: string;
          secretValue?: string;
          secretComment?: string;
          type?: "shared" | "personal";
          skipMultilineEncoding?: boolean;
          secretReminderNote?: string | null;
          secretReminderRepeatDays?: number | null;
          tagIds?: string[];
          metadata?: {
            [key: string]: string;
          } | null;
        }>;
      };
      response: {
        secrets: Array<{
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        }>;
      };
    };
    delete: {
      path: Record<string, never>;
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        secrets: Array<{
          secretKey: string;
          type?: "shared" | "personal";
        }>;
      };
      response: {
        secrets: Array<{
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        }>;
      };
    };
  };
  "/api/v3/secrets/raw": {
    get: {
      path: Record<string, never>;
      query: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        recursive?: "0" | "1" | "true" | "false";
        include_imports?: "0" | "1" | "true" | "false";
        expandSecretReferences?: "0" | "1" | "true" | "false";
        viewSecretValue?: "0" | "1" | "true" | "false";
        tagSlugs?: string;
      };
      body: never;
      response: {
        secrets: Array<{
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        }>;
        imports?: Array<{
          secretPath: string;
          environment: string;
          folderId: string;
          secrets: Array<{
            id: string;
            _id: string;
            workspace: string;
            environment: string;
            version: number;
            type: "shared" | "personal";
            secretKey: string;
            secretValue: string;
            secretValueHidden: boolean;
            secretComment: string;
            secretReminderNote: string | null;
            secretReminderRepeatDays: number | null;
            skipMultilineEncoding: boolean;
            metadata: {
              [key: string]: string;
            } | null;
            createdAt: string;
            updatedAt: string;
            secretPath: string;
            tags: Array<{
              id: string;
              slug: string;
              name: string;
              color: string | null;
            }>;
            isRotatedSecret: boolean;
            rotationId: string | null;
          }>;
        }>;
      };
    };
  };
  "/api/v3/secrets/raw/{secretName}": {
    get: {
      path: {
        secretName: string;
      };
      query: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        secretName?: string;
        type?: "shared" | "personal";
        version?: number;
        expandSecretReferences?: "0" | "1" | "true" | "false";
        includeImports?: "0" | "1" | "true" | "false";
        include_imports?: "0" | "1" | "true" | "false";
        viewSecretValue?: "0" | "1" | "true" | "false";
      };
      body: never;
      response: {
        secret: {
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        };
      };
    };
    post: {
      path: {
        secretName: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        secretValue: string;
        secretComment?: string;
        type?: "shared" | "personal";
        skipMultilineEncoding?: boolean;
        secretReminderNote?: string | null;
        secretReminderRepeatDays?: number | null;
        tagIds?: string[];
        metadata?: {
          [key: string]: string;
        } | null;
      };
      response: {
        secret: {
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        };
      };
    };
    patch: {
      path: {
        secretName: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        secretValue?: string;
        secretComment?: string;
        newSecretName?: string;
        type?: "shared" | "personal";
        skipMultilineEncoding?: boolean;
        secretReminderNote?: string | null;
        secretReminderRepeatDays?: number | null;
        tagIds?: string[];
        metadata?: {
          [key: string]: string;
        } | null;
      };
      response: {
        secret: {
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        };
      };
    };
    delete: {
      path: {
        secretName: string;
      };
      query: Record<string, never>;
      body: {
        workspaceId?: string;
        projectId?: string;
        workspaceSlug?: string;
        environment: string;
        secretPath?: string;
        type?: "shared" | "personal";
      };
      response: {
        secret: {
          id: string;
          _id: string;
          workspace: string;
          environment: string;
          version: number;
          type: "shared" | "personal";
          secretKey: string;
          secretValue: string;
          secretValueHidden: boolean;
          secretComment: string;
          secretReminderNote: string | null;
          secretReminderRepeatDays: number | null;
          skipMultilineEncoding: boolean;
          metadata: {
            [key: string]: string;
          } | null;
          createdAt: string;
          updatedAt: string;
          secretPath: string;
          tags: Array<{
            id: string;
            slug: string;
            name: string;
            color: string | null;
          }>;
          isRotatedSecret: boolean;
          rotationId: string | null;
        };
      };
    };
  };
}
