import type { HERITAGE_TYPES, INDUSTRY_CATEGORIES } from './metadata.schema.js';

type Labels = { 'zh-Hans': string; en: string };

/**
 * The nine major categories of the 2018 national Classification of Cultural and Related
 * Industries (文化及相关产业分类(2018), GB/T 4754-2017 based). 01–06 form the core field,
 * 07–09 the related field.
 */
export const INDUSTRY_LABELS: Record<(typeof INDUSTRY_CATEGORIES)[number], Labels & { field: 'core' | 'related' }> = {
  '01': { 'zh-Hans': '新闻信息服务', en: 'News and information services', field: 'core' },
  '02': { 'zh-Hans': '内容创作生产', en: 'Content creation and production', field: 'core' },
  '03': { 'zh-Hans': '创意设计服务', en: 'Creative design services', field: 'core' },
  '04': { 'zh-Hans': '文化传播渠道', en: 'Cultural communication channels', field: 'core' },
  '05': { 'zh-Hans': '文化投资运营', en: 'Cultural investment and operation', field: 'core' },
  '06': { 'zh-Hans': '文化娱乐休闲服务', en: 'Cultural entertainment and leisure services', field: 'core' },
  '07': { 'zh-Hans': '文化辅助生产和中介服务', en: 'Cultural auxiliary production and intermediary services', field: 'related' },
  '08': { 'zh-Hans': '文化装备生产', en: 'Cultural equipment production', field: 'related' },
  '09': { 'zh-Hans': '文化消费终端生产', en: 'Cultural consumer terminal production', field: 'related' },
};

export const HERITAGE_LABELS: Record<(typeof HERITAGE_TYPES)[number], Labels> = {
  tangible: { 'zh-Hans': '物质文化遗产', en: 'Tangible heritage' },
  intangible: { 'zh-Hans': '非物质文化遗产', en: 'Intangible heritage' },
  creative: { 'zh-Hans': '当代创意作品', en: 'Contemporary creative work' },
};
