/**
 * The thesaurus a new instance starts with: heritage terms as Chinese readers and English
 * catalogues write them. Admins and curators edit it (PUT /api/search/synonyms); variants are
 * matched after folding, so Traditional spellings (國畫) and plurals (porcelains) need no entry.
 */
export const DEFAULT_SYNONYMS: string[][] = [
  ['国画', '中国画', 'Chinese painting'],
  ['书法', '法书', 'calligraphy'],
  ['青花瓷', '青花', 'blue-and-white porcelain', 'blue and white'],
  ['山水画', 'landscape painting'],
  ['花鸟画', '花鸟', 'bird-and-flower painting'],
  ['人物画', 'figure painting'],
  ['水墨画', '水墨', 'ink wash painting', 'ink painting'],
  ['工笔', 'gongbi', 'meticulous brushwork'],
  ['写意', 'xieyi', 'freehand brushwork'],
  ['手卷', '长卷', 'handscroll'],
  ['立轴', '挂轴', 'hanging scroll'],
  ['册页', 'album leaf'],
  ['扇面', 'fan painting'],
  ['瓷器', 'porcelain'],
  ['陶器', 'pottery', 'earthenware'],
  ['青铜器', 'bronze'],
  ['玉器', 'jade'],
  ['漆器', 'lacquer', 'lacquerware'],
  ['碑帖', '拓片', 'rubbing'],
  ['印章', '篆刻', 'seal'],
  ['题跋', 'colophon'],
  ['刺绣', 'embroidery'],
  ['景泰蓝', '掐丝珐琅', 'cloisonné'],
  ['非物质文化遗产', '非遗', 'intangible cultural heritage'],
];
