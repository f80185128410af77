/** Compiler version written into every manifest; a test keeps it equal to package.json's. */
export const COMPILER_VERSION = '0.1.0';
export const BUNDLE_FORMAT = 'sandforge-bundle/1';
