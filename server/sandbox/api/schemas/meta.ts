/** meta/v1 schemas shared by every kind. */
import type { JsonSchema } from '../istio-crds';
import { arr, bool, d, int64, mergeList, obj, open, setList, str, strMap, time } from './dsl';

export const ownerReference = obj('OwnerReference', {
  apiVersion: str('API version of the referent.'),
  kind: str('Kind of the referent.'),
  name: str('Name of the referent.'),
  uid: str('UID of the referent.'),
  controller: bool('If true, this reference points to the managing controller.'),
  blockOwnerDeletion: bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.'),
}, { required: ['apiVersion', 'kind', 'name', 'uid'] });

export const managedFieldsEntry = obj('ManagedFieldsEntry', {
  manager: str('Manager is an identifier of the workflow managing these fields.'),
  operation: str('Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are \'Apply\' and \'Update\'.'),
  apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
  time: time('Time is the timestamp of when the ManagedFields entry was added.'),
  fieldsType: str('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"'),
  fieldsV1: open('FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
  subresource: str('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource.'),
});

export const objectMeta: JsonSchema = obj('ObjectMeta', {
  name: str('Name must be unique within a namespace. Cannot be updated.'),
  generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
  namespace: str('Namespace defines the space within which each name must be unique. Cannot be updated.'),
  selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
  uid: str('UID is the unique in time and space value for this object. Populated by the system. Read-only.'),
  resourceVersion: str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. Populated by the system. Read-only.'),
  generation: int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.'),
  creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created. Populated by the system. Read-only.'),
  deletionTimestamp: time('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. Populated by the system when a graceful deletion is requested. Read-only.'),
  deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.'),
  labels: strMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
  annotations: strMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.'),
  ownerReferences: mergeList(ownerReference, 'uid', { description: 'List of objects depended by this object.' }),
  finalizers: d(setList(str()), 'Must be empty before the object is deleted from the registry.'),
  managedFields: arr(managedFieldsEntry, { description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' }),
});

export const listMeta = obj('ListMeta', {
  resourceVersion: str(),
  continue: str(),
  remainingItemCount: int64(),
  selfLink: str(),
});

export const labelSelector = obj('LabelSelector', {
  matchLabels: strMap('matchLabels is a map of {key,value} pairs.'),
  matchExpressions: arr(obj('LabelSelectorRequirement', {
    key: str('key is the label key that the selector applies to.'),
    operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
    values: arr(str()),
  }, { required: ['key', 'operator'] }), { description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.' }),
}, { description: 'A label selector is a label query over a set of resources.' });

export const apiVersionProp = str('APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.');
export const kindProp = str('Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.');

/** A top-level kind: apiVersion, kind, metadata + the given properties. */
export function topLevel(goName: string, description: string, props: Record<string, JsonSchema>): JsonSchema {
  return obj(goName, { apiVersion: apiVersionProp, kind: kindProp, metadata: d(objectMeta, "Standard object's metadata."), ...props }, { description });
}
