import type { GeneratedPaths } from './openapi.gen';

/** Every operation the dashboard may call, as the server documents it in openapi.json. */
export type ApiPaths = GeneratedPaths;

export type ApiPath = keyof ApiPaths;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type MethodOf<P extends ApiPath> = Extract<keyof ApiPaths[P], HttpMethod>;

type Operation = { path: unknown; query: unknown; body: unknown; response: unknown };
export type OperationOf<P extends ApiPath, M extends MethodOf<P>> = ApiPaths[P][M] extends Operation ? ApiPaths[P][M] : never;

export type ResponseOf<P extends ApiPath, M extends MethodOf<P>> = OperationOf<P, M>['response'];
export type BodyOf<P extends ApiPath, M extends MethodOf<P>> = OperationOf<P, M>['body'];
export type QueryOf<P extends ApiPath, M extends MethodOf<P>> = OperationOf<P, M>['query'];
export type ParamsOf<P extends ApiPath, M extends MethodOf<P>> = OperationOf<P, M>['path'];

type NoKeys = Record<string, never>;
type ParamsPart<T> = [T] extends [NoKeys] ? { params?: undefined } : { params: T };
type QueryPart<T> = [T] extends [NoKeys] ? { query?: undefined } : Record<string, never> extends T ? { query?: T } : { query: T };
type BodyPart<T> = [T] extends [never] ? { body?: undefined } : { body: T };

/** The options a call needs: `params` when the path has placeholders, `query` when one is required, `body` when it takes one. */
export type RequestOptions<P extends ApiPath, M extends MethodOf<P>> = ParamsPart<ParamsOf<P, M>> &
  QueryPart<QueryOf<P, M>> &
  BodyPart<BodyOf<P, M>> & { signal?: AbortSignal };
