import winston from 'winston';
import { createCaptureTransport } from '../../helpers/log-capture.js';

describe('log capture transport', () => {
  it('keeps each line exactly as the logger format renders it, and clear() empties it', () => {
    const capture = createCaptureTransport();
    const logger = winston.createLogger({ format: winston.format.json(), transports: [capture.transport] });
    logger.info('proxied', { status: 200 });
    logger.child({ ns: 'team-a' }).warn('slow');
    expect(capture.lines()).toEqual([
      '{"level":"info","message":"proxied","status":200}',
      '{"level":"warn","message":"slow","ns":"team-a"}',
    ]);
    capture.clear();
    expect(capture.lines()).toEqual([]);
    logger.close();
  });
});
