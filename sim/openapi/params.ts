/**
 * The query and path parameters of kube-apiserver operations. Objects are shared by every
 * operation (documents are built from them and never mutated), which keeps memory flat.
 */

/** One operation parameter in neutral form. */
export interface Param {
  name: string;
  in: 'path' | 'query';
  type: 'string' | 'integer' | 'boolean';
  description: string;
  required?: boolean;
}

const pathParam = (name: string, description: string): Param => ({
  name,
  in: 'path',
  type: 'string',
  description,
  required: true,
});
const q = (name: string, type: Param['type'], description: string): Param => ({
  name,
  in: 'query',
  type,
  description,
});

const allowWatchBookmarks = q(
  'allowWatchBookmarks',
  'boolean',
  'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. If this is not a watch, this field is ignored.',
);
const cont = q(
  'continue',
  'string',
  'The continue option should be set when retrieving more results from the server, with the value returned in the previous list response.',
);
const dryRun = q(
  'dryRun',
  'string',
  'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed',
);
const fieldManager = q(
  'fieldManager',
  'string',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const patchFieldManager = q(
  'fieldManager',
  'string',
  'fieldManager is a name associated with the actor or entity that is making these changes. This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).',
);
const fieldSelector = q(
  'fieldSelector',
  'string',
  'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
);
const fieldValidation = q(
  'fieldValidation',
  'string',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore: ignores unknown/duplicate fields. - Warn: responds with a warning for each unknown/duplicate field, but successfully serves the request. - Strict: fails the request on unknown/duplicate fields.',
);
const force = q(
  'force',
  'boolean',
  'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
);
const gracePeriodSeconds = q(
  'gracePeriodSeconds',
  'integer',
  'The duration in seconds before the object should be deleted. The value zero indicates delete immediately.',
);
const labelSelector = q(
  'labelSelector',
  'string',
  'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
);
const limit = q(
  'limit',
  'integer',
  'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata.',
);
const orphanDependents = q(
  'orphanDependents',
  'boolean',
  'Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned.',
);
const propagationPolicy = q(
  'propagationPolicy',
  'string',
  "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'.",
);
const resourceVersion = q(
  'resourceVersion',
  'string',
  'resourceVersion sets a constraint on what resource versions a request may be served from.',
);
const resourceVersionMatch = q(
  'resourceVersionMatch',
  'string',
  'resourceVersionMatch determines how resourceVersion is applied to list calls.',
);
const sendInitialEvents = q(
  'sendInitialEvents',
  'boolean',
  '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection, followed by a BOOKMARK event.',
);
const timeoutSeconds = q(
  'timeoutSeconds',
  'integer',
  'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
);
const watch = q(
  'watch',
  'boolean',
  'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.',
);

/** Parameter sets per operation kind, in the order kube-apiserver lists them. */
export const PARAMS = {
  name: pathParam('name', 'name of the object'),
  namespace: pathParam('namespace', 'object name and auth scope, such as for teams and projects'),
  pretty: q(
    'pretty',
    'string',
    "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
  ),
  list: [
    allowWatchBookmarks,
    cont,
    fieldSelector,
    labelSelector,
    limit,
    resourceVersion,
    resourceVersionMatch,
    sendInitialEvents,
    timeoutSeconds,
    watch,
  ],
  write: [dryRun, fieldManager, fieldValidation],
  patch: [dryRun, force, patchFieldManager, fieldValidation],
  delete: [gracePeriodSeconds, orphanDependents, propagationPolicy, dryRun],
  deleteCollection: [
    cont,
    dryRun,
    fieldSelector,
    gracePeriodSeconds,
    labelSelector,
    limit,
    orphanDependents,
    propagationPolicy,
    resourceVersion,
    resourceVersionMatch,
    sendInitialEvents,
    timeoutSeconds,
  ],
  log: [
    q(
      'container',
      'string',
      'The container for which to stream logs. Defaults to only container if there is one container in the pod.',
    ),
    q('follow', 'boolean', 'Follow the log stream of the pod. Defaults to false.'),
    q(
      'insecureSkipTLSVerifyBackend',
      'boolean',
      'insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm the validity of the serving certificate of the backend it is connecting to.',
    ),
    q(
      'limitBytes',
      'integer',
      'If set, the number of bytes to read from the server before terminating the log output.',
    ),
    q('previous', 'boolean', 'Return previous terminated container logs. Defaults to false.'),
    q(
      'sinceSeconds',
      'integer',
      'A relative time in seconds before the current time from which to show logs.',
    ),
    q('tailLines', 'integer', 'If set, the number of lines from the end of the logs to show.'),
    q(
      'timestamps',
      'boolean',
      'If true, add an RFC3339 or RFC3339Nano timestamp at the beginning of every line of log output. Defaults to false.',
    ),
  ],
};
