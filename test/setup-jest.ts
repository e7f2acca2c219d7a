import { Testing } from 'cdktf';

// Registers cdktf's synth matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();
