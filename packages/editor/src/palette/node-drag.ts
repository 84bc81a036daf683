/** The drag data type a palette item carries: the node type's name. The canvas adds that node where it is dropped. */
export const NODE_TYPE_MIME = 'application/groundwork-node-type';
